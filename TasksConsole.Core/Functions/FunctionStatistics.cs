using Microsoft.EntityFrameworkCore;
using TasksConsole.Core.Data;
using TasksConsole.Core.Tasks;

namespace TasksConsole.Core.Functions;

/// <summary>
/// One function's outcomes over a time window. <see cref="Failed"/> counts tasks that ended failed (after their
/// retries, if any); <see cref="Retried"/> counts attempts that failed and were retried, which the operator sees
/// separately because a flaky function can look healthy in the first number alone.
/// </summary>
public sealed record FunctionStats(
    string FunctionName,
    int Succeeded,
    int Failed,
    int Retried,
    TimeSpan? MedianDuration,
    TimeSpan? P95Duration,
    int DurationSamples)
{
    public static FunctionStats Empty(string functionName) => new(functionName, 0, 0, 0, null, null, 0);
}

/// <summary>
/// Per-function success and failure counts and execution-time percentiles for the console. Both queries are
/// bounded by the window (over the indexed <c>StatusChangedTimestamp</c>), so their cost follows recent traffic,
/// not the size of the table; counts are SQL aggregates, and percentiles use at most <see cref="DurationSampleSize"/>
/// of the most recent executions per function, so one busy function cannot make the page load unbounded rows.
/// </summary>
public sealed class FunctionStatistics(IDbContextFactory<TasksDbContext> dbFactory, TimeProvider clock)
{
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromHours(24);

    /// <summary>Enough for a stable p95 (25 samples above it) while keeping a page load to a few thousand rows.</summary>
    public const int DurationSampleSize = 500;

    private static readonly TaskState[] Finished = [TaskState.Complete, TaskState.Failed, TaskState.Retried];

    /// <summary>
    /// Statistics of every function with a task that finished within <paramref name="window"/> before now, by name
    /// (functions without such tasks are absent). <paramref name="functionName"/> narrows it to one function.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, FunctionStats>> GetAsync(
        TimeSpan window, string? functionName = null, CancellationToken cancellationToken = default)
    {
        var since = clock.GetUtcNow() - window;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var finished = db.Tasks.AsNoTracking()
            .Where(t => t.StatusChangedTimestamp >= since && Finished.Contains(t.Status));
        if (functionName is not null) finished = finished.Where(t => t.FunctionName == functionName);

        var counts = await finished
            .GroupBy(t => new { t.FunctionName, t.Status })
            .Select(g => new { g.Key.FunctionName, g.Key.Status, Count = g.Count() })
            .ToListAsync(cancellationToken);

        // The timestamps are stored as integers through a value converter, so the subtraction happens here rather
        // than in SQL; the sample bound is what keeps this cheap.
        var executed = finished.Where(t => t.ExecutionStartTimestamp != null && t.ExecutionEndTimestamp != null);
        var samples = await executed
            .Select(t => t.FunctionName)
            .Distinct()
            .Select(name => new
            {
                FunctionName = name,
                Executions = executed
                    .Where(t => t.FunctionName == name)
                    .OrderByDescending(t => t.StatusChangedTimestamp)
                    .Take(DurationSampleSize)
                    .Select(t => new { Start = t.ExecutionStartTimestamp!.Value, End = t.ExecutionEndTimestamp!.Value })
                    .ToList(),
            })
            .ToListAsync(cancellationToken);

        var durations = samples.ToDictionary(
            s => s.FunctionName,
            s => s.Executions.Select(e => e.End - e.Start).Where(d => d >= TimeSpan.Zero).Order().ToArray(),
            StringComparer.Ordinal);

        var result = new Dictionary<string, FunctionStats>(StringComparer.Ordinal);
        foreach (var name in counts.Select(c => c.FunctionName).Distinct(StringComparer.Ordinal))
        {
            int CountOf(TaskState status) => counts.Where(c => c.FunctionName == name && c.Status == status).Sum(c => c.Count);
            var sorted = durations.GetValueOrDefault(name) ?? [];
            result[name] = new FunctionStats(
                name,
                CountOf(TaskState.Complete),
                CountOf(TaskState.Failed),
                CountOf(TaskState.Retried),
                Percentile(sorted, 0.50),
                Percentile(sorted, 0.95),
                sorted.Length);
        }
        return result;
    }

    /// <summary>Nearest-rank percentile: always one of the observed values, which reads better than an interpolated one.</summary>
    public static TimeSpan? Percentile(IReadOnlyList<TimeSpan> sortedAscending, double fraction)
    {
        if (sortedAscending.Count == 0) return null;
        var rank = (int)Math.Ceiling(fraction * sortedAscending.Count);
        return sortedAscending[Math.Clamp(rank - 1, 0, sortedAscending.Count - 1)];
    }
}
