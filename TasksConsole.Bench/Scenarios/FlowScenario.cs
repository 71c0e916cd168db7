using TasksConsole.Bench.Infrastructure;

namespace TasksConsole.Bench.Scenarios;

/// <summary>
/// Steady flow: <c>--clients</c> clients create tasks through <c>POST /tasks/v1/</c> as fast as they are answered (or
/// at <c>--rate</c> per second in all) for <c>--duration</c> seconds, a given share of them due now (no start time, on
/// the no-op function) and the rest for later. Per share: creates/s and their latency, due tasks completed per second
/// over the same window and whether their backlog grew, start lag, server CPU per task and peak memory. The baseline,
/// in the same run: plain Hangfire, empty jobs enqueued by as many concurrent callers on the same storage while its
/// server runs, enqueue to performed. Targets: at 100% due, at least 1,500 tasks/s created and completed with a steady
/// backlog, create p99 at most 50 ms, start lag p99 at most 250 ms, and at least 5 times the baseline; at 10% due,
/// creates/s within 15% of the rate with none due.
/// </summary>
/// <remarks>
/// This is the commonest real workload (automation creating tasks to run now, while others are created for later),
/// unlike <c>dispatch</c>, where a large set falls due at one instant and every claim fills a batch. Each share gets a
/// fresh server, so that its peak memory and CPU are its own and the tasks for later left by one share do not weigh
/// on the next. Those tasks start minutes after the share has finished: they are only written, never run.
/// </remarks>
internal sealed class FlowScenario : IBenchScenario
{
    private const int DefaultClients = 32;
    private static readonly TimeSpan DefaultDuration = TimeSpan.FromSeconds(15);
    private static readonly IReadOnlyList<int> DefaultShares = [0, 10, 50, 100];
    private const double TargetPerSecond = 1_500;
    private const double TargetCreateP99Ms = 50;
    private const double TargetLagP99Ms = 250;
    private const double TargetOverBaseline = 5;
    private const int TrickleShare = 10;
    private const double TrickleMaxLoss = 0.15;
    private const string DueTag = "bench-flow-due";
    private const string LaterTag = "bench-flow-later";
    private const int WarmUpTasks = 20;

    /// <summary>Well past the end of a share, so that no task for later becomes due while it runs.</summary>
    private static readonly TimeSpan LaterBy = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How much the backlog of due tasks may grow over the window and still count as steady: the arrivals of the
    /// start-lag budget. More, and the tasks at the end of the window waited longer than that budget allows.
    /// </summary>
    private static readonly TimeSpan BacklogSlack = TimeSpan.FromMilliseconds(TargetLagP99Ms);

    /// <summary>Plain Hangfire falls behind its callers; it gets this long after the load to perform the rest.</summary>
    private static readonly TimeSpan BaselineDrainLimit = TimeSpan.FromSeconds(60);

    public string Name => "flow";

    public string Description =>
        "--clients clients create tasks for --duration s, --due-share % due now; target at 100%: >= 1,500/s created and completed, >= 5x plain Hangfire";

    public async Task<ScenarioResult> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var output = context.Output;
        var clients = context.Options.Clients ?? DefaultClients;
        var duration = context.Options.Duration ?? DefaultDuration;
        var shares = context.Options.DueShares ?? DefaultShares;
        var roundCount = context.Options.Runs ?? 1;
        var rate = context.Options.Rate;
        // As long as the window (at most 15 s): each share starts a fresh server, and under this load a server 10-20 s
        // old still spent two fifths of its CPU on tiered JIT (a twentieth once 40 s old), which is not what a running
        // service pays per task.
        var warmUp = TimeSpan.FromSeconds(Math.Clamp(duration.TotalSeconds, 0.2, 15));
        var engine = context.Options.EngineOptions();
        var load = rate is { } offered ? $"paced at {offered:N0} creates/s in all" : "each sending its next create when answered";
        output.WriteLine($"{clients} clients, {load}; {warmUp.TotalSeconds:0.#} s warm-up + {duration.TotalSeconds:0.#} s measured per share; " +
                         $"due tasks on '{EngineWarmUp.FunctionName}', the others start {LaterBy.TotalMinutes:0} min later; a fresh server per share");

        using var data = TempDirectory.Create("flow");
        var rounds = new List<IReadOnlyList<ShareRun>>();
        for (var round = 1; round <= roundCount; round++)
        {
            var runsOfRound = new List<ShareRun>();
            foreach (var share in shares)
            {
                output.WriteLine();
                output.WriteLine(roundCount == 1 ? $"-- {share}% due now" : $"-- {share}% due now, round {round} of {roundCount}");
                // A fresh store per share, as a fresh server: no share inherits the tasks of the one before.
                var name = $"share-{share}-{round}";
                await using var store = await BenchStore.CreateAsync(context.Options, data.Combine(name), $"flow{share}r{round}", cancellationToken);
                var run = await RunShareAsync(context, store, share, clients, warmUp, duration, engine.BatchSize, cancellationToken);
                Print(output, run);
                runsOfRound.Add(run);
            }
            rounds.Add(runsOfRound);
        }
        // Each share's figures come from its median round (by creates/s); the 10% share is judged on the median of its
        // rounds' ratios, each against the 0% share of the same round, minutes apart on the same machine.
        var runs = shares.Select(share => MedianRun(rounds.Select(r => r.Single(run => run.Share == share)))).ToList();
        var trickle = TrickleRatios(rounds);
        if (roundCount > 1 && trickle.Count > 0)
        {
            output.WriteLine();
            output.WriteLine($"{TrickleShare}% due over 0% due, creates/s, round by round: {string.Join(", ", trickle.Select(Percent))}; " +
                             $"median {Percent(Stats.Median(trickle))}");
        }

        output.WriteLine();
        output.WriteLine($"baseline: {clients} concurrent callers of BackgroundJob.Enqueue (empty jobs) on {(context.Options.Store == BenchStoreKind.Postgres ? "Hangfire.PostgreSql" : "Hangfire.Storage.SQLite")} while its server " +
                         $"runs, queue poll {engine.QueuePollInterval.TotalMilliseconds:0} ms, {engine.WorkerCount} workers (the engine's defaults), " +
                         $"in this process; same warm-up and window");
        await using var baselineStore = await BenchStore.CreateAsync(context.Options, data.Combine("baseline"), "flowbaseline", cancellationToken);
        var baseline = await HangfireBaseline.EnqueueFlowAsync(
            baselineStore, clients, warmUp, duration, rate, engine.WorkerCount, engine.QueuePollInterval, BaselineDrainLimit, cancellationToken);
        Print(output, baseline);

        var figures = new List<ScenarioFigure>();
        foreach (var run in runs) figures.AddRange(Figures(run, trickle));
        figures.Add(new ScenarioFigure($"baseline: Hangfire Enqueue, {clients} callers", DescribeBaseline(baseline)));
        var most = runs.Where(r => r.Share > 0).MaxBy(r => r.Share);
        double? ratio = most is null ? null : most.Due.FinishedPerSecond / baseline.Jobs.FinishedPerSecond;
        if (most is not null)
        {
            output.WriteLine($"{most.Share}% due: due tasks completed/s over the baseline's jobs performed/s: {ratio:0.0}x");
            figures.Add(new ScenarioFigure($"{most.Share}% due: completed/s over baseline", $"{ratio:0.0}x",
                most.Share == 100 ? $">= {TargetOverBaseline:0}x" : "", most.Share == 100 ? ratio >= TargetOverBaseline : null));
        }

        var result = new ScenarioResult(Name, figures, "");
        var parts = runs.Select(Summarize);
        if (trickle.Count > 0)
        {
            parts = parts.Append($"{TrickleShare}% due at {Percent(Stats.Median(trickle))} of 0% due" + (trickle.Count > 1 ? $" (median of {trickle.Count} rounds)" : ""));
        }
        parts = parts.Append($"Hangfire baseline {baseline.Jobs.FinishedPerSecond:N0} jobs/s" +
                                                  (ratio is { } r ? $", {most!.Share}% due at {r:0.0}x" : ""));
        // The targets are set for the 10% and 100% shares; a run of other shares has none to meet or miss.
        var verdict = figures.All(f => f.Met is null) ? "no target for these shares" : result.TargetsMet ? "target met" : "target missed";
        var perShare = roundCount == 1 ? "per share" : $"per share, {roundCount} rounds (each share's median shown)";
        var summary = $"SUMMARY flow: {clients} clients, {duration.TotalSeconds:0.#} s {perShare}; {string.Join("; ", parts)} -> {verdict}";
        return result with { Summary = summary };
    }

    /// <summary>What one share did, from the load generator, the server's process and its store.</summary>
    private sealed record ShareRun(
        int Share, LoadResult Creates, long DueCreated, long DueComplete, long DueFailed, FlowStats Due, TimeSpan Drain, LatencyStats StartLag,
        IReadOnlyList<TaskTiming> Measured, ClaimSizes Claims, TimeSpan? Cpu, long? Peak, int BatchSize);

    private static async Task<ShareRun> RunShareAsync(
        BenchContext context, BenchStore store, int share, int clients, TimeSpan warmUp, TimeSpan duration, int batchSize, CancellationToken cancellationToken)
    {
        var output = context.Output;
        output.WriteLine($"store: {store.Name}");
        await using var server = await store.StartServerAsync(context, cancellationToken);
        using var api = await ApiClient.SignInAsync(server, cancellationToken);
        await EngineWarmUp.RunAsync(api, server, WarmUpTasks, output, cancellationToken);

        var later = DateTimeOffset.UtcNow + LaterBy;
        var cpuAtWindowStart = CpuAfterAsync(server, warmUp, cancellationToken);
        var creates = await LoadGenerator.RunAsync(clients, warmUp, duration, async (_, sequence, ct) =>
        {
            var body = IsDue(sequence, share)
                ? ApiClient.TaskBody(EngineWarmUp.FunctionName, DueTag, sequence)
                : ApiClient.TaskBody(EngineWarmUp.FunctionName, LaterTag, sequence, later);
            await api.CreateTaskAsync(body, ct);
            return true;
        }, cancellationToken, context.Options.Rate);
        var cpuAtWindowEnd = server.CpuTime();
        var cpu = cpuAtWindowEnd - await cpuAtWindowStart;
        server.EnsureRunning();

        // Counted in the database: a create the client gave up on may still have been committed, and must run too.
        var dueCreated = store.ReadTimings(DueTag).Count;
        var watched = dueCreated == 0
            ? new WatchResult(0, 0, creates.WindowEnd)
            : await TaskWatcher.WaitForAsync(api, server, DueTag, dueCreated, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(60), cancellationToken);
        var timings = store.ReadTimings(DueTag);
        server.EnsureRunning();
        var peak = server.PeakWorkingSetBytes();

        var due = FlowStats.Over(timings.Select(t => t.Created), timings.Select(t => t.IsFinished ? t.StatusChanged : (long?)null),
            creates.WindowStart, creates.WindowEnd);
        long from = creates.WindowStart.ToUnixTimeMilliseconds(), to = creates.WindowEnd.ToUnixTimeMilliseconds();
        var measured = timings.Where(t => t.Created >= from && t.Created < to).ToList();
        var lag = TimingBreakdown.Of(measured, t => t.ExecutionStart - t.Start);
        var drain = watched.SeenAt - creates.WindowEnd;
        return new ShareRun(share, creates, dueCreated, watched.Complete, watched.Failed, due, drain > TimeSpan.Zero ? drain : TimeSpan.Zero, lag,
            measured, TimingBreakdown.Claims(measured), cpu, peak, batchSize);
    }

    /// <summary>Exactly <paramref name="share"/>% of the sequence numbers, spread evenly: 10% is every tenth create.</summary>
    private static bool IsDue(long sequence, int share) => sequence * share / 100 > (sequence - 1) * share / 100;

    private static async Task<TimeSpan?> CpuAfterAsync(ServerProcess server, TimeSpan delay, CancellationToken cancellationToken)
    {
        await Task.Delay(delay, cancellationToken);
        return server.CpuTime();
    }

    private static void Print(TextWriter output, ShareRun run)
    {
        var creates = run.Creates;
        output.WriteLine($"  POST /tasks/v1/: {creates.PerSecond:N0}/s ({creates.Completed:N0} in {creates.Window.TotalSeconds:0.#} s), " +
                         $"{TimingBreakdown.Span(creates.Latency)}; {creates.Errors} errors");
        foreach (var sample in creates.ErrorSamples) output.WriteLine($"      e.g. {sample}");
        if (run.Share > 0)
        {
            output.WriteLine($"  due tasks: {run.DueComplete:N0} of {run.DueCreated:N0} complete, {run.DueFailed:N0} failed " +
                             $"(warm-up included); the last finished {run.Drain.TotalSeconds:0.0} s after the load");
            output.WriteLine($"  over the window: {run.Due.ArrivedPerSecond:N0} due tasks/s created, {run.Due.FinishedPerSecond:N0}/s finished; " +
                             run.Due.DescribeBacklog(BacklogSlack));
            output.WriteLine($"  start lag (in progress - startTimestamp) of the {run.StartLag.Count:N0} due tasks created in the window: {TimingBreakdown.Span(run.StartLag)}");
            var complete = run.Measured.Where(t => t.IsComplete).ToList();
            output.WriteLine("  per task:");
            output.WriteLine($"    created -> claimed (dispatcher wake-up and claim round): {TimingBreakdown.Span(TimingBreakdown.Of(complete, t => t.Claimed - t.Created))}");
            TimingBreakdown.PrintPerTask(output, complete);
            TimingBreakdown.PrintClaims(output, run.Claims, run.BatchSize);
            output.WriteLine($"  most tasks in progress at once: {TimingBreakdown.MostInProgress(complete)}");
        }
        if (run.Cpu is { } cpu && creates.Completed > 0)
        {
            // Two cores give at most 2 s of CPU per second: near that, the rate is what the CPU cost per task allows.
            output.WriteLine($"  server CPU over the window: {cpu.TotalSeconds:0.0} s ({cpu.TotalSeconds / creates.Window.TotalSeconds:0.00} of " +
                             $"{Environment.ProcessorCount} cores), {CpuPerTask(run)} per task created");
        }
        output.WriteLine($"  server peak working set (VmHWM): {ServerProcess.Mib(run.Peak)}");
    }

    private static void Print(TextWriter output, HangfireFlow baseline)
    {
        var enqueues = baseline.Enqueues;
        output.WriteLine($"  Enqueue: {enqueues.PerSecond:N0}/s ({enqueues.Completed:N0} in {enqueues.Window.TotalSeconds:0.#} s), " +
                         $"{TimingBreakdown.Span(enqueues.Latency)}; {enqueues.Errors} errors");
        output.WriteLine($"  over the window: {baseline.Jobs.FinishedPerSecond:N0} jobs/s performed; {baseline.Jobs.DescribeBacklog(BacklogSlack)}");
        output.WriteLine($"  enqueue -> performed, jobs enqueued in the window: {TimingBreakdown.Span(baseline.EnqueueToPerformed)}");
        output.WriteLine(baseline.TimedOut
            ? $"  stopped waiting {baseline.Drain.TotalSeconds:0} s after the load: {baseline.Performed:N0} of {baseline.Enqueued:N0} jobs performed"
            : $"  {baseline.Performed:N0} of {baseline.Enqueued:N0} jobs performed, the last {baseline.Drain.TotalSeconds:0.0} s after the load");
    }

    /// <summary>The run whose creates/s is the median of its share's rounds (the lower middle one of an even count).</summary>
    private static ShareRun MedianRun(IEnumerable<ShareRun> runs)
    {
        var sorted = runs.OrderBy(r => r.Creates.PerSecond).ToList();
        return sorted[(sorted.Count - 1) / 2];
    }

    /// <summary>Per round, creates/s at 10% due over creates/s at 0% due; empty unless both shares ran.</summary>
    private static IReadOnlyList<double> TrickleRatios(IEnumerable<IReadOnlyList<ShareRun>> rounds) =>
        rounds.Select(round => (
                Trickle: round.FirstOrDefault(r => r.Share == TrickleShare),
                None: round.FirstOrDefault(r => r.Share == 0)))
            .Where(pair => pair.Trickle is not null && pair.None is { Creates.PerSecond: > 0 })
            .Select(pair => pair.Trickle!.Creates.PerSecond / pair.None!.Creates.PerSecond)
            .ToList();

    private static string Percent(double ratio) => $"{ratio * 100:0}%";

    /// <param name="trickleRatios">Per round, the 10% share's creates/s over the 0% share's; empty unless both ran.</param>
    private static IEnumerable<ScenarioFigure> Figures(ShareRun run, IReadOnlyList<double> trickleRatios)
    {
        var label = $"{run.Share}% due";
        var creates = run.Creates;
        var createsValue = $"{creates.PerSecond:N0} ({creates.Errors} errors)";
        if (run.Share == 100)
        {
            yield return new(label + ": creates/s", createsValue, $">= {TargetPerSecond:N0}/s", creates.PerSecond >= TargetPerSecond);
            yield return new(label + ": create latency", Latencies(creates.Latency), $"p99 <= {TargetCreateP99Ms:0} ms, no errors",
                creates.Latency.P99 <= TargetCreateP99Ms && creates.Errors == 0);
        }
        else if (run.Share == TrickleShare && trickleRatios.Count > 0)
        {
            var kept = Stats.Median(trickleRatios);
            var of = trickleRatios.Count == 1
                ? $"{Percent(kept)} of 0% due"
                : $"median of {trickleRatios.Count} rounds {Percent(kept)} of 0% due ({string.Join(", ", trickleRatios.Select(Percent))})";
            yield return new(label + ": creates/s", $"{createsValue}, {of}",
                $">= {Percent(1 - TrickleMaxLoss)} of 0% due", kept >= 1 - TrickleMaxLoss);
            yield return new(label + ": create latency", Latencies(creates.Latency));
        }
        else
        {
            yield return new(label + ": creates/s, latency", $"{createsValue}; {Latencies(creates.Latency)}");
        }

        if (run.Share > 0)
        {
            var allDone = run.DueComplete == run.DueCreated && run.DueFailed == 0;
            var completed = $"{run.Due.FinishedPerSecond:N0} ({run.Due.DescribeBacklog(BacklogSlack)}; {run.DueComplete:N0} of {run.DueCreated:N0} complete, " +
                            $"{run.DueFailed:N0} failed; {run.Claims.Mean:0.0} tasks per claim)";
            var lag = $"p50 {LatencyStats.Ms(run.StartLag.P50)}, p99 {LatencyStats.Ms(run.StartLag.P99)}, max {LatencyStats.Ms(run.StartLag.Max)}";
            if (run.Share == 100)
            {
                yield return new(label + ": completed/s, sustained", completed, $">= {TargetPerSecond:N0}/s, steady, all complete",
                    run.Due.FinishedPerSecond >= TargetPerSecond && run.Due.KeptUp(BacklogSlack) && allDone);
                yield return new(label + ": start lag", lag, $"p99 <= {TargetLagP99Ms:0} ms", run.StartLag.P99 <= TargetLagP99Ms && allDone);
            }
            else
            {
                yield return new(label + ": completed/s, sustained", completed, "all complete", allDone);
                yield return new(label + ": start lag", lag);
            }
        }
        yield return new(label + ": server CPU per task, peak", $"{CpuPerTask(run)}; {ServerProcess.Mib(run.Peak)}");
    }

    private static string Summarize(ShareRun run)
    {
        var text = $"{run.Share}% due {run.Creates.PerSecond:N0} creates/s (p99 {LatencyStats.Ms(run.Creates.Latency.P99)})";
        if (run.Share == 0) return text;
        var backlog = run.Due.KeptUp(BacklogSlack) ? "" : ", backlog grew";
        return $"{text}, {run.Due.FinishedPerSecond:N0} completed/s{backlog}, lag p99 {LatencyStats.Ms(run.StartLag.P99)}";
    }

    private static string DescribeBaseline(HangfireFlow baseline) =>
        $"{baseline.Jobs.FinishedPerSecond:N0} jobs/s performed ({baseline.Jobs.DescribeBacklog(BacklogSlack)}); enqueue {baseline.Enqueues.PerSecond:N0}/s, " +
        $"p99 {LatencyStats.Ms(baseline.Enqueues.Latency.P99)}; enqueue -> performed p50 {LatencyStats.Ms(baseline.EnqueueToPerformed.P50)}, " +
        $"p99 {LatencyStats.Ms(baseline.EnqueueToPerformed.P99)}";

    private static string CpuPerTask(ShareRun run) =>
        run.Cpu is { } cpu && run.Creates.Completed > 0 ? $"{cpu.TotalMilliseconds / run.Creates.Completed:0.00} ms" : "n/a";

    private static string Latencies(LatencyStats stats) =>
        $"p50 {LatencyStats.Ms(stats.P50)}, p95 {LatencyStats.Ms(stats.P95)}, p99 {LatencyStats.Ms(stats.P99)}";
}
