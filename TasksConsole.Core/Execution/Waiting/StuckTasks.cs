using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TasksConsole.Core.Data;
using TasksConsole.Core.Functions;
using TasksConsole.Core.Tasks;

namespace TasksConsole.Core.Execution.Waiting;

/// <summary>What makes a running task look stuck: it has run past its function's time limit, or past its usual p95.</summary>
public enum StuckThreshold
{
    TimeLimit,
    UsualP95,
}

/// <summary>A task in progress for longer than it should be, and the bound it passed.</summary>
public sealed record StuckTask(
    string Id, string FunctionName, DateTimeOffset ExecutionStartTimestamp, TimeSpan Running, StuckThreshold Threshold,
    TimeSpan Bound, string? ClaimedBy);

/// <summary>
/// Tasks <c>inProgress</c> longer than their function's time limit (Lambda would have ended them: their outcome may
/// be lost) or than its p95 over the last day (slow, perhaps hung). The oldest in-progress tasks are read, at most
/// <see cref="MaxScanned"/>; a function's p95 counts only with <see cref="MinSamplesForP95"/> recent executions.
/// </summary>
public sealed class StuckTasks(
    IDbContextFactory<TasksDbContext> dbFactory,
    IFunctionCatalog functions,
    FunctionStatistics statistics,
    IOptions<ExecutionOptions> options,
    TimeProvider clock)
{
    public const int MaxScanned = 1000;
    public const int MinSamplesForP95 = 20;

    public async Task<IReadOnlyList<StuckTask>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var running = await db.Tasks.AsNoTracking()
            .Where(t => t.Status == TaskState.InProgress && t.ExecutionStartTimestamp != null)
            .OrderBy(t => t.StatusChangedTimestamp)
            .Take(MaxScanned)
            .Select(t => new { t.Id, t.FunctionName, Start = t.ExecutionStartTimestamp!.Value, t.ClaimedBy })
            .ToListAsync(cancellationToken);
        if (running.Count == 0) return [];

        var now = clock.GetUtcNow();
        var catalog = await functions.GetAllAsync(cancellationToken);
        var usual = new Dictionary<string, TimeSpan?>(StringComparer.Ordinal);
        foreach (var name in running.Select(t => t.FunctionName).Distinct(StringComparer.Ordinal))
        {
            var stats = (await statistics.GetAsync(FunctionStatistics.DefaultWindow, name, cancellationToken)).GetValueOrDefault(name);
            usual[name] = stats is { DurationSamples: >= MinSamplesForP95 } ? stats.P95Duration : null;
        }

        var stuck = new List<StuckTask>();
        foreach (var task in running)
        {
            var elapsed = now - task.Start;
            var limit = catalog.GetValueOrDefault(task.FunctionName) is { } function
                ? TimeSpan.FromSeconds(function.TimeLimitSeconds)
                // A function the registry does not know runs with the engine's default limit.
                : options.Value.DefaultTimeLimit;
            if (elapsed > limit)
            {
                stuck.Add(new StuckTask(task.Id, task.FunctionName, task.Start, elapsed, StuckThreshold.TimeLimit, limit, task.ClaimedBy));
            }
            else if (usual[task.FunctionName] is { } p95 && elapsed > p95)
            {
                stuck.Add(new StuckTask(task.Id, task.FunctionName, task.Start, elapsed, StuckThreshold.UsualP95, p95, task.ClaimedBy));
            }
        }
        return stuck.OrderByDescending(t => t.Running).ToList();
    }
}
