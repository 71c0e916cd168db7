using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TasksConsole.Core.ApiFunctions;
using TasksConsole.Core.Audit;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Events;
using TasksConsole.Core.Execution;
using TasksConsole.Core.Execution.Pauses;
using TasksConsole.Core.Execution.Waiting;
using TasksConsole.Core.Functions;
using TasksConsole.Core.Tasks;
using TasksConsole.Core.Views;
using TasksConsole.Core.Tasks.Reruns;
using TasksConsole.Web.Live;

namespace TasksConsole.Tests.Infrastructure;

/// <summary>The real store behind console pages under test, and terse builders for the rows they show.</summary>
internal static class ConsoleStore
{
    /// <summary>What the console's pages use, over <paramref name="database"/>; the feed is returned for publishing changes.</summary>
    public static ITaskChangeFeed AddConsoleStore(this IServiceCollection services, TestDatabase database, TimeProvider? clock = null)
    {
        var feed = new TaskChangeFeed();
        services.AddSingleton(database.Factory);
        services.AddSingleton(clock ?? TimeProvider.System);
        services.AddSingleton<ITaskChangeFeed>(feed);
        services.AddSingleton<IFunctionCatalog>(_ => new FunctionCatalog(database.Factory, clock ?? TimeProvider.System));
        services.AddSingleton<AuditWriter>();
        services.AddSingleton<AuditTrail>();
        services.AddSingleton<TaskService>();
        services.AddSingleton<RetryChainQueries>();
        services.AddSingleton<TaskQueries>();
        services.AddSingleton<SavedViews>();
        services.AddSingleton<TaskReruns>();
        services.AddSingleton<DispatchSignal>();
        services.AddSingleton<DispatchPauses>();
        services.AddOptions();
        services.AddSingleton<NodeQueries>();
        services.AddSingleton<TaskWaitExplainer>();
        services.AddSingleton<FunctionStatistics>();
        services.AddSingleton<StuckTasks>();
        services.AddLogging();
        services.AddSingleton<TaskStatistics>();
        services.AddSingleton<TaskEventQueries>();
        services.AddScoped<CircuitTaskChanges>();
        services.AddSingleton<AuthRevision>();
        services.AddSingleton<UserService>();
        services.AddSingleton<ApiRequestFeed>();
        services.AddSingleton<ApiRequestService>();
        return feed;
    }

    public static string Id(int n) => n.ToString("x24");

    public static TaskRecord TaskRow(
        int n,
        TaskState status = TaskState.New,
        string functionName = "echo",
        DateTimeOffset? created = null,
        DateTimeOffset? start = null,
        DateTimeOffset? statusChanged = null,
        DateTimeOffset? executionStart = null,
        DateTimeOffset? executionEnd = null)
    {
        var creation = created ?? DateTimeOffset.UtcNow;
        var task = new TaskRecord
        {
            Id = Id(n),
            FunctionName = functionName,
            Status = status,
            CreationTimestamp = creation,
            UpdateTimestamp = statusChanged ?? creation,
            StatusChangedTimestamp = statusChanged ?? creation,
            StartTimestamp = start ?? creation,
            ExecutionStartTimestamp = executionStart,
            ExecutionEndTimestamp = executionEnd,
        };
        task.SetTags([]);
        return task;
    }

    public static TaskFailedEventRecord FailedEvent(int n, string functionName, DateTimeOffset at, int taskN = 0) => new()
    {
        Id = Id(n),
        TaskId = Id(taskN == 0 ? n : taskN),
        FunctionName = functionName,
        ErrorType = TaskErrorTypes.Runtime,
        ErrorName = "DemoFailure",
        ErrorMessage = $"failure {n}",
        CreationTimestamp = at,
    };

    public static async Task SeedAsync(this TestDatabase database, params object[] rows)
    {
        await using var db = database.CreateContext();
        db.AddRange(rows);
        await db.SaveChangesAsync();
    }

    /// <summary>Truncated to the millisecond, as the store keeps instants.</summary>
    public static DateTimeOffset Ms(DateTimeOffset instant) => DateTimeOffset.FromUnixTimeMilliseconds(instant.ToUnixTimeMilliseconds());

    public static async Task<TaskRecord> ReadTaskAsync(this TestDatabase database, int n)
    {
        await using var db = database.CreateContext();
        return await db.Tasks.AsNoTracking().SingleAsync(t => t.Id == Id(n));
    }
}
