using System.Diagnostics;
using TasksConsole.Bench.Infrastructure;

namespace TasksConsole.Bench.Scenarios;

/// <summary>
/// Start lag: tasks on the no-op function with start times spread evenly over <c>--duration</c> seconds at
/// <c>--rate</c> per second, all created through the API beforehand; lag = when the engine moved the task to in
/// progress minus its start time. Targets: p50 at most 50 ms, p99 at most 250 ms, none started early. The baseline is
/// Hangfire's own delayed jobs with its default settings, over the same spread.
/// </summary>
internal sealed class LagScenario : IBenchScenario
{
    private static readonly TimeSpan DefaultDuration = TimeSpan.FromSeconds(60);
    /// <summary>Inside <c>all</c>, whose whole run must stay within 15 minutes; the spread is the same, only shorter.</summary>
    private static readonly TimeSpan DefaultDurationInAll = TimeSpan.FromSeconds(30);
    private const double DefaultRate = 20;
    private const double TargetP50Ms = 50;
    private const double TargetP99Ms = 250;
    private const string Tag = "bench-lag";
    private const int WarmUpTasks = 20;
    private const long LateClaimMs = 100;

    public string Name => "lag";

    public string Description => "tasks starting at --rate/s over --duration s on 'noop'; start lag target p50 <= 50 ms, p99 <= 250 ms";

    public async Task<ScenarioResult> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var output = context.Output;
        var duration = context.Options.Duration ?? (context.Options.Scenario == BenchOptions.All ? DefaultDurationInAll : DefaultDuration);
        var rate = context.Options.Rate ?? DefaultRate;
        var count = Math.Max(1, (int)Math.Round(duration.TotalSeconds * rate));

        using var data = TempDirectory.Create("lag");
        await using var store = await BenchStore.CreateAsync(context.Options, data.Combine("server"), "lag", cancellationToken);
        output.WriteLine($"store: {store.Name}");
        List<TaskTiming> timings;
        long? peak;
        await using (var server = await store.StartServerAsync(context, cancellationToken))
        {
            using var api = await ApiClient.SignInAsync(server, cancellationToken);
            await EngineWarmUp.RunAsync(api, server, WarmUpTasks, output, cancellationToken);

            // Every task is created before the first one is due, so creating them does not load the server while
            // they start. The lead allows for 150 creates/s, well below what the API manages even on a busy machine.
            var starts = Spread(TimeSpan.FromSeconds(3 + count / 150.0), count, rate);
            var creation = Stopwatch.StartNew();
            await api.CreateTasksAsync(
                starts.Select((start, i) => ApiClient.TaskBody(EngineWarmUp.FunctionName, Tag, i, start)), 8, cancellationToken);
            var spare = starts[0] - DateTimeOffset.UtcNow;
            output.WriteLine($"created {count:N0} tasks on '{EngineWarmUp.FunctionName}' in {creation.Elapsed.TotalSeconds:0.0} s, " +
                             $"{spare.TotalSeconds:0.0} s before the first is due; starts every {1000 / rate:0.#} ms over {duration.TotalSeconds:0} s");
            if (spare < TimeSpan.Zero) output.WriteLine("  warning: creation overran the first start times; their lag includes the wait for creation");

            var untilLast = starts[^1] - DateTimeOffset.UtcNow;
            if (untilLast > TimeSpan.Zero) await Task.Delay(untilLast, cancellationToken);
            var watched = await TaskWatcher.WaitForAsync(api, server, Tag, count, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(60), cancellationToken);
            if (watched.Failed > 0) output.WriteLine($"  warning: {watched.Failed} tasks failed");
            timings = store.ReadTimings(Tag);
            server.EnsureRunning();
            peak = server.PeakWorkingSetBytes();
        }

        var started = timings.Where(t => t.ExecutionStart.HasValue).ToList();
        var lag = new LatencyStats(started.Select(t => (double)(t.ExecutionStart!.Value - t.Start)));
        var early = started.Count(t => t.ExecutionStart < t.Start);
        var claimedAhead = new LatencyStats(started.Where(t => t.Claimed.HasValue).Select(t => (double)(t.Start - t.Claimed!.Value)));
        var toComplete = new LatencyStats(timings.Where(t => t.IsComplete).Select(t => (double)(t.StatusChanged - t.Start)));
        output.WriteLine($"start lag (in progress - startTimestamp) over {lag.Count:N0} tasks: {Describe(lag)}; {early} started early");
        output.WriteLine($"  claimed ahead of the start time: p50 {LatencyStats.Ms(claimedAhead.P50)}, min {LatencyStats.Ms(claimedAhead.Min)}" +
                         $" (look-ahead); start time -> complete committed: p50 {LatencyStats.Ms(toComplete.P50)}, p99 {LatencyStats.Ms(toComplete.P99)}");
        // A late start has one of two causes: the dispatcher claimed the task late (it was starved, or asleep past
        // the look-ahead), or the claim came in time and the wait was after it (Hangfire's pickup, the batch start).
        var late = started.Where(t => t.ExecutionStart - t.Start > TargetP50Ms).ToList();
        if (late.Count > 0)
        {
            var claimedLate = late.Count(t => t.Claimed is null || t.Start - t.Claimed < LateClaimMs);
            output.WriteLine($"  {late.Count} started more than {TargetP50Ms:0} ms late: {claimedLate} claimed less than {LateClaimMs} ms before their start " +
                             $"(dispatcher late), {late.Count - claimedLate} claimed earlier (the wait came after the claim: Hangfire pickup, batch start)");
        }
        output.WriteLine($"server peak working set (VmHWM): {ServerProcess.Mib(peak)}");

        // Hangfire's defaults throughout: 15 s schedule poll, and Hangfire.Storage.SQLite's own queue poll (15 s).
        output.WriteLine($"baseline: {count:N0} Hangfire delayed jobs (BackgroundJob.Schedule) over the same spread, default settings, on {store.HangfireStorageName}, in this process");
        var baselineStarts = Spread(TimeSpan.FromSeconds(3 + count / 100.0), count, rate);
        var baseline = await HangfireBaseline.DelayedJobsAsync(
            store, baselineStarts, duration + TimeSpan.FromSeconds(60), cancellationToken);
        output.WriteLine($"  scheduled in {baseline.ScheduleTime.TotalSeconds:0.0} s; {baseline.Lag.Count:N0} of {count:N0} ran" +
                         (baseline.TimedOut ? " (stopped waiting for the rest)" : "") + $"; lag {Describe(baseline.Lag)}; {baseline.Early} early");

        var allStarted = started.Count == count;
        var p50Met = lag.P50 <= TargetP50Ms && allStarted && early == 0;
        var p99Met = lag.P99 <= TargetP99Ms && allStarted && early == 0;
        var figures = new List<ScenarioFigure>
        {
            new("start lag p50", $"{LatencyStats.Ms(lag.P50)} ({lag.Count:N0} of {count:N0} tasks at {rate:0.#}/s over {duration.TotalSeconds:0} s, {early} early)",
                $"<= {TargetP50Ms:0} ms", p50Met),
            new("start lag p95 / p99 / max", $"{LatencyStats.Ms(lag.P95)} / {LatencyStats.Ms(lag.P99)} / {LatencyStats.Ms(lag.Max)}",
                $"p99 <= {TargetP99Ms:0} ms", p99Met),
            new("baseline: Hangfire delayed jobs, defaults", $"p50 {LatencyStats.Ms(baseline.Lag.P50)}, p99 {LatencyStats.Ms(baseline.Lag.P99)}, " +
                                                             $"max {LatencyStats.Ms(baseline.Lag.Max)} ({baseline.Lag.Count:N0} of {count:N0} ran)"),
            new("server peak working set", ServerProcess.Mib(peak)),
        };
        var verdict = p50Met && p99Met ? "target met" : "target missed";
        var summary = $"SUMMARY lag: {lag.Count:N0} tasks at {rate:0.#}/s over {duration.TotalSeconds:0} s, start lag p50 {LatencyStats.Ms(lag.P50)}, " +
                      $"p95 {LatencyStats.Ms(lag.P95)}, p99 {LatencyStats.Ms(lag.P99)}, {early} early; Hangfire delayed jobs p50 " +
                      $"{LatencyStats.Ms(baseline.Lag.P50)}, p99 {LatencyStats.Ms(baseline.Lag.P99)}; server peak {ServerProcess.Mib(peak)}; store {store.Name} -> {verdict}";
        return new ScenarioResult(Name, figures, summary);
    }

    /// <summary><paramref name="count"/> instants <c>1/rate</c> apart, the first <paramref name="lead"/> from now, at the store's ms precision.</summary>
    private static List<DateTimeOffset> Spread(TimeSpan lead, int count, double rate)
    {
        var first = DateTimeOffset.UtcNow + lead;
        return Enumerable.Range(0, count)
            .Select(i => DateTimeOffset.FromUnixTimeMilliseconds((first + TimeSpan.FromSeconds(i / rate)).ToUnixTimeMilliseconds()))
            .ToList();
    }

    private static string Describe(LatencyStats stats) =>
        $"p50 {LatencyStats.Ms(stats.P50)}, p95 {LatencyStats.Ms(stats.P95)}, p99 {LatencyStats.Ms(stats.P99)}, max {LatencyStats.Ms(stats.Max)}";
}
