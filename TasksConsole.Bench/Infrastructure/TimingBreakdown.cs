using TasksConsole.Core.Execution;

namespace TasksConsole.Bench.Infrastructure;

/// <summary>
/// Where a finished task's time went between its claim and its committed outcome, and how the dispatcher grouped
/// tasks into claims, from the engine's own columns (<see cref="TaskTimings"/>).
/// </summary>
internal static class TimingBreakdown
{
    public static LatencyStats Of(IEnumerable<TaskTiming> tasks, Func<TaskTiming, long?> value) =>
        new(tasks.Select(value).Where(v => v.HasValue).Select(v => (double)v!.Value));

    public static string Span(LatencyStats stats) =>
        $"p50 {LatencyStats.Ms(stats.P50)}, p95 {LatencyStats.Ms(stats.P95)}, p99 {LatencyStats.Ms(stats.P99)}, max {LatencyStats.Ms(stats.Max)}";

    /// <summary>The spans after the claim, each task on its own clock.</summary>
    public static void PrintPerTask(TextWriter output, IReadOnlyList<TaskTiming> complete)
    {
        output.WriteLine($"    claim -> in progress (claim round, Hangfire enqueue and pickup, batch start): {Span(Of(complete, t => t.ExecutionStart - t.Claimed))}");
        output.WriteLine($"    in progress -> invocation ended (HTTP to the local runtime): {Span(Of(complete, t => t.ExecutionEnd - t.ExecutionStart))}");
        output.WriteLine($"    invocation ended -> outcome committed (OutcomeWriter): {Span(Of(complete, t => t.StatusChanged - t.ExecutionEnd))}");
    }

    /// <summary>
    /// Claims and their sizes: each claim is one claim round of the dispatcher and at least one Hangfire job, so
    /// tasks per claim says how much of that fixed cost each task carries.
    /// </summary>
    public static ClaimSizes Claims(IReadOnlyList<TaskTiming> tasks)
    {
        var sizes = tasks.Where(t => t.ClaimedBy is not null).GroupBy(t => t.ClaimedBy).Select(g => g.Count()).ToList();
        // The engine stamps every task of one guarded UPDATE, and every outcome of one OutcomeWriter transaction, with
        // the same instant: distinct instants count those writes (two in the same millisecond count as one).
        var starts = tasks.Where(t => t.ExecutionStart.HasValue).Select(t => (t.ClaimedBy, t.ExecutionStart)).Distinct().Count();
        var outcomes = tasks.Where(t => t.IsFinished).Select(t => t.StatusChanged).Distinct().Count();
        return new ClaimSizes(sizes.Count, new LatencyStats(sizes.Select(s => (double)s)), sizes.Count == 0 ? double.NaN : sizes.Average(),
            starts, outcomes, tasks.Count);
    }

    public static void PrintClaims(TextWriter output, ClaimSizes claims, int batchSize)
    {
        // A job starts its due tasks in one UPDATE, so with every task due when claimed the starts count the jobs.
        output.WriteLine($"  claims: {claims.Count:N0}, in {claims.Starts:N0} Hangfire jobs (a thick stream's claim goes out in jobs of about {batchSize} tasks, " +
                         $"at most {TaskDispatcher.LargestJob(batchSize)}; a thin stream's in one job of up to {TaskDispatcher.ThinClaim(batchSize)}); " +
                         $"tasks per claim p50 {claims.Sizes.P50:0}, mean {claims.Mean:0.0}, max {claims.Sizes.Max:0}");
        double PerHundred(int writes) => claims.Tasks == 0 ? double.NaN : 100.0 * writes / claims.Tasks;
        output.WriteLine($"  engine writes to the tasks database per 100 tasks: {PerHundred(claims.Count):0.0} claim UPDATEs, " +
                         $"{PerHundred(claims.Starts):0.0} start UPDATEs, {PerHundred(claims.OutcomeCommits):0.0} outcome transactions " +
                         $"(besides the creates' group commits)");
    }

    /// <summary>The most tasks between 'in progress' and 'committed' at any instant: how much of MaxConcurrency was used.</summary>
    public static int MostInProgress(IEnumerable<TaskTiming> complete)
    {
        var edges = complete.SelectMany(t => new[] { (At: t.ExecutionStart ?? t.StatusChanged, Step: 1), (At: t.StatusChanged, Step: -1) })
            .OrderBy(e => e.At).ThenBy(e => e.Step);
        int running = 0, most = 0;
        foreach (var (_, step) in edges) most = Math.Max(most, running += step);
        return most;
    }
}

/// <summary>
/// How many claims the dispatcher made for a set of tasks, the Hangfire jobs they needed, and their sizes; and how many
/// start UPDATEs and outcome transactions the engine wrote for those <see cref="Tasks"/>.
/// </summary>
internal sealed record ClaimSizes(int Count, LatencyStats Sizes, double Mean, int Starts, int OutcomeCommits, int Tasks);
