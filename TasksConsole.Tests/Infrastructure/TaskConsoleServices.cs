using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TasksConsole.Core.Audit;
using TasksConsole.Core.Data;
using TasksConsole.Core.Functions;
using TasksConsole.Core.Tasks;
using TasksConsole.Core.Views;
using TasksConsole.Web.Components.Shared;
using TasksConsole.Web.Live;

namespace TasksConsole.Tests.Infrastructure;

/// <summary>The real task services over a test database, as the console pages get them in the app.</summary>
internal static class TaskConsoleServices
{
    public static IServiceCollection AddTaskConsole(this IServiceCollection services, TestDatabase database) =>
        services.AddTaskConsole(database.Factory);

    /// <summary>Over a store set up by the test itself (e.g. on a file system it breaks).</summary>
    public static IServiceCollection AddTaskConsole(this IServiceCollection services, IDbContextFactory<TasksDbContext> store)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(store);
        services.AddSingleton<ITaskChangeFeed, TaskChangeFeed>();
        services.AddSingleton<IFunctionCatalog>(_ => new FunctionCatalog(store, TimeProvider.System));
        services.AddLogging();
        services.AddSingleton<AuditWriter>();
        services.AddSingleton<AuditTrail>();
        services.AddSingleton<TaskService>();
        services.AddSingleton<TaskQueries>();
        services.AddSingleton<SavedViews>();
        services.AddScoped<CircuitTaskChanges>();
        services.AddScoped<BrowserTimeZone>();
        return services;
    }

    public static async Task AddFunctionAsync(this TestDatabase database, string name, string? description = null, bool enabled = true, long defaultPriority = 0)
    {
        await using var db = database.CreateContext();
        db.Functions.Add(new FunctionRecord
        {
            Name = name,
            LambdaFunctionName = name,
            Description = description,
            Enabled = enabled,
            DefaultPriority = defaultPriority,
            CreationTimestamp = DateTimeOffset.UtcNow,
            UpdateTimestamp = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync();
    }

    public static async Task SetStatusAsync(this TestDatabase database, string taskId, TaskState status)
    {
        await using var db = database.CreateContext();
        await db.Tasks.Where(t => t.Id == taskId).ExecuteUpdateAsync(set => set.SetProperty(t => t.Status, status));
    }

    public static async Task<List<TaskRecord>> AllTasksAsync(this TestDatabase database)
    {
        await using var db = database.CreateContext();
        return await db.Tasks.AsNoTracking().OrderBy(t => t.Id).ToListAsync();
    }
}
