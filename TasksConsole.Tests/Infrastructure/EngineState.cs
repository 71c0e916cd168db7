using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TasksConsole.Core.Data;
using TasksConsole.Core.Execution;

namespace TasksConsole.Tests.Infrastructure;

/// <summary>
/// Where an app's tasks and jobs are, for the message of a test that waited in vain for a task to run: each task's
/// status and claim, Hangfire's servers, queues and job counts, the node's tasks in flight and its latest warnings and
/// errors. It tells a task that was never claimed from one claimed into a job that never ran.
/// </summary>
public static class EngineState
{
    public static async Task<string> DescribeAsync(TasksConsoleFactory app)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<TasksDbContext>>().CreateDbContextAsync();
        var tasks = (await db.Tasks.AsNoTracking().OrderBy(t => t.CreationTimestamp).ToListAsync())
            .Select(t => $"{t.Id} {t.FunctionName} {t.Status} created {t.CreationTimestamp:O} claimed by {t.ClaimedBy ?? "none"} at {t.ClaimedTimestamp:O}");
        var jobs = app.Services.GetRequiredService<JobStorage>().GetMonitoringApi();
        var servers = jobs.Servers().Select(s => $"{s.Name} [{string.Join(",", s.Queues)}] heartbeat {s.Heartbeat:O}");
        var queues = jobs.Queues().Select(q => $"{q.Name}: {q.Length} waiting, {q.Fetched} fetched");
        var counts = jobs.GetStatistics();
        var problems = app.Logs.Entries.Where(e => e.Level >= LogLevel.Warning).TakeLast(20)
            .Select(e => $"{e.Level} {e.Category}: {e.Message}{(e.Exception is { } ex ? $"\n{Shorten(ex.ToString())}" : "")}");
        return $"At {DateTimeOffset.UtcNow:O}. Tasks: {string.Join("; ", tasks)}. Hangfire servers: {string.Join("; ", servers)}. " +
               $"Queues: {string.Join("; ", queues)}. Jobs enqueued {counts.Enqueued}, processing {counts.Processing}, succeeded {counts.Succeeded}, " +
               $"failed {counts.Failed}. Tasks in flight on this node: {app.Services.GetRequiredService<CapacityTracker>().InFlight}. " +
               $"Latest warnings and errors:\n{string.Join("\n", problems)}";
    }

    private static string Shorten(string text) => text.Length <= 4000 ? text : text[..4000] + "…";
}
