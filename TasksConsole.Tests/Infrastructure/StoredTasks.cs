using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TasksConsole.Core.Data;
using TasksConsole.Core.Tasks;

namespace TasksConsole.Tests.Infrastructure;

/// <summary>
/// Tasks written straight to a store in one statement, in any status: thousands in a second, where creating them one
/// by one would dominate a test's time. Each is built by <see cref="TaskService.BuildTask"/> from the input given.
/// </summary>
internal static class StoredTasks
{
    public static async Task<List<string>> AddAsync(
        IDbContextFactory<TasksDbContext> store, TaskService tasks, int count, NewTask input, TaskState status, Action<TaskRecord>? adjust = null)
    {
        var rows = Enumerable.Range(0, count).Select(_ =>
        {
            var task = tasks.BuildTask(input, Caller.System);
            task.Status = status;
            adjust?.Invoke(task);
            // Rebuilt so that the tag index carries the status set above.
            task.SetTags(task.Tags);
            return task;
        }).ToList();
        await using var db = await store.CreateDbContextAsync();
        db.Tasks.AddRange(rows);
        await db.SaveChangesAsync();
        return rows.Select(t => t.Id).ToList();
    }

    /// <summary>The same, into the store of a running app (<paramref name="services"/>), built by its own task service.</summary>
    public static Task<List<string>> AddAsync(
        IServiceProvider services, int count, NewTask input, TaskState status, Action<TaskRecord>? adjust = null) =>
        AddAsync(services.GetRequiredService<IDbContextFactory<TasksDbContext>>(), services.GetRequiredService<TaskService>(),
            count, input, status, adjust);
}
