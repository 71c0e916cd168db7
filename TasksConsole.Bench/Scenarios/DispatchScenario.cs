using System.Diagnostics;
using TasksConsole.Bench.Infrastructure;

namespace TasksConsole.Bench.Scenarios;

/// <summary>
/// Dispatch throughput: <c>--n</c> tasks on the local runtime's no-op function, all due at the same instant, from
/// due to complete, on the chosen store and with <c>--nodes</c> on several app hosts sharing it. Targets: at least 1,500 tasks/s, and at least 5 times what plain Hangfire manages with one
/// empty job per task on the same storage and settings.
/// </summary>
/// <remarks>
/// The tasks go into the running server's database in one raw-SQL transaction, as <c>new</c> with a start a few
/// seconds ahead, so that they become due together and the clock starts when they do: creating 20,000 tasks through
/// the API would take longer than running them, and the dispatcher would race the creation. Starting the server with
/// the dispatcher off and restarting it would put the restart inside the measured time, or leave it out by
/// guesswork. The engine's own columns say when each task was claimed, started and completed, so the figures
/// need no instrumentation in the server.
/// </remarks>
internal sealed class DispatchScenario : IBenchScenario
{
    private const int DefaultTasks = 20_000;
    private const double TargetPerSecond = 1_500;
    private const double TargetOverBaseline = 5;
    private const string Tag = "bench-dispatch";
    private const string WarmUpTag = "bench-dispatch-warm-up";
    private const int WarmUpTasks = 100;
    /// <summary>
    /// Hangfire.Storage.SQLite enqueues 80-520 jobs/s on the development machine and runs 50-220, so 20,000 jobs would
    /// take several minutes before and during the measurement: the baseline runs at most this many. Its rate is per
    /// job; a shorter queue, if anything, flatters Hangfire.
    /// </summary>
    private const int BaselineMaxJobs = 5_000;

    /// <summary>Beyond this the baseline stops and reports the rate it reached, so that `all` stays within its budget.</summary>
    private static readonly TimeSpan BaselineTimeLimit = TimeSpan.FromMinutes(3);

    public string Name => "dispatch";

    public string Description => "--n tasks due at once on 'noop', due to complete; target >= 1,500 tasks/s and >= 5x plain Hangfire (--nodes: 0 run twice)";

    public async Task<ScenarioResult> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var output = context.Output;
        var count = context.Options.N ?? DefaultTasks;
        var engine = context.Options.EngineOptions();
        var nodeCount = context.Options.Nodes ?? 1;

        using var data = TempDirectory.Create("dispatch");
        await using var store = await BenchStore.CreateAsync(context.Options, data.Combine("server"), "dispatch", cancellationToken);
        // With --nodes, every node invokes one function outside them all, which counts what it was asked to run.
        await using var counting = context.Options.Nodes is null ? null : await CountingFunction.StartAsync(cancellationToken);
        var functionName = counting is null ? EngineWarmUp.FunctionName : CountingFunction.Name;
        output.WriteLine($"store: {store.Name}; {nodeCount} node(s); function '{functionName}'" +
                         (counting is null ? " (the local runtime's no-op)" : $" (a no-op at {counting.Endpoint} in the bench process, counting invocations per task)"));
        List<TaskTiming> timings;
        WatchResult watched;
        DateTimeOffset clockStart;
        TimeSpan? cpu = TimeSpan.Zero;
        string? ioStall = null;
        long? peak = 0;
        var servers = new List<ServerProcess>();
        try
        {
            servers.Add(await store.StartServerAsync(context, cancellationToken, 0, counting?.ServerSettings));
            var server = servers[0];
            using var api = await ApiClient.SignInAsync(server, cancellationToken);
            // Registered before the other nodes start, so that their function catalogs load it at once: a node learns
            // of a function another node registered only when its catalog snapshot expires (FunctionCatalog.MaxAge).
            if (counting is not null) await CountingFunction.RegisterAsync(api, cancellationToken);
            for (var node = 1; node < nodeCount; node++)
            {
                servers.Add(await store.StartServerAsync(context, cancellationToken, node, counting?.ServerSettings));
            }
            await EngineWarmUp.RunAsync(api, server, WarmUpTasks * nodeCount, output, cancellationToken, functionName);
            // A round like the measured one, first: a server younger than a minute spends a third of its CPU on
            // tiered JIT compilation while it runs the engine's paths hot, and that is not what a running service pays.
            var warmUpRound = Math.Clamp(count / 10, 100, 2_000);
            var warmDue = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1);
            store.SeedDue(warmUpRound, functionName, warmDue, WarmUpTag, cancellationToken);
            var warm = await WatchAsync(store, api, server, WarmUpTag, warmUpRound, cancellationToken);
            output.WriteLine($"warm-up round: {warmUpRound:N0} seeded tasks due at once, all finished after {(warm.SeenAt - warmDue).TotalSeconds:0.0} s " +
                             $"({warmUpRound / (warm.SeenAt - warmDue).TotalSeconds:N0}/s, cold)");

            // Far enough ahead that the insert has committed before the dispatcher looks (it claims LookAhead early).
            var lead = TimeSpan.FromSeconds(2 + count / 10_000.0);
            var due = DateTimeOffset.FromUnixTimeMilliseconds((DateTimeOffset.UtcNow + lead).ToUnixTimeMilliseconds());
            var seeding = Stopwatch.StartNew();
            var committed = store.SeedDue(count, functionName, due, Tag, cancellationToken);
            output.WriteLine($"seeded {count:N0} new tasks on '{functionName}' in {seeding.Elapsed.TotalSeconds:0.0} s, " +
                             (committed <= due
                                 ? $"committed {(due - committed).TotalMilliseconds:0} ms before they are due"
                                 : $"committed {(committed - due).TotalMilliseconds:0} ms after their start time: the clock starts at the commit"));
            // Had the commit come late, the tasks could not have been seen before it: the clock starts then.
            clockStart = committed > due ? committed : due;

            var cpuBefore = servers.Select(s => s.CpuTime()).ToList();
            var pressure = HostPressure.Start();
            var wait = clockStart - DateTimeOffset.UtcNow;
            if (wait > TimeSpan.Zero) await Task.Delay(wait, cancellationToken);
            watched = await WatchAsync(store, api, server, Tag, count, cancellationToken);
            ioStall = pressure.IoStallSinceStart();
            for (var node = 0; node < servers.Count; node++) cpu += servers[node].CpuTime() - cpuBefore[node];
            timings = store.ReadTimings(Tag);
            foreach (var running in servers)
            {
                running.EnsureRunning();
                peak = Math.Max(peak ?? 0, running.PeakWorkingSetBytes() ?? 0);
            }
        }
        finally
        {
            foreach (var running in servers) await running.DisposeAsync();
        }

        var complete = timings.Where(t => t.IsComplete).ToList();
        var start = clockStart.ToUnixTimeMilliseconds();
        var last = complete.Count > 0 ? complete.Max(t => t.StatusChanged) : start;
        var elapsed = TimeSpan.FromMilliseconds(Math.Max(1, last - start));
        var perSecond = complete.Count / elapsed.TotalSeconds;
        var polled = count / (watched.SeenAt - clockStart).TotalSeconds;
        output.WriteLine($"{complete.Count:N0} of {count:N0} complete, {watched.Failed:N0} failed, in {elapsed.TotalSeconds:0.00} s from due " +
                         $"to the last commit: {perSecond:N0} tasks/s (seen complete by polling after {(watched.SeenAt - clockStart).TotalSeconds:0.00} s: {polled:N0}/s)");
        PrintBreakdown(output, complete, start, engine.BatchSize);
        if (cpu is { } used && complete.Count > 0)
        {
            // Two cores give at most 2 s of CPU per second: near that, the rate is what the CPU cost per task allows.
            output.WriteLine($"  server CPU: {used.TotalSeconds:0.0} s over the run ({used.TotalSeconds / elapsed.TotalSeconds:0.00} of " +
                             $"{Environment.ProcessorCount} cores), {used.TotalMilliseconds / complete.Count:0.00} ms per task");
        }
        // A disk that stalls the store's commits stops the engine with its CPU idle; this says whether the host did.
        if (ioStall is not null) output.WriteLine($"  host I/O stall over the run (/proc/pressure/io): {ioStall}");
        output.WriteLine($"server peak working set (VmHWM): {ServerProcess.Mib(peak)}");

        var duplicates = "";
        bool? duplicatesMet = null;
        if (counting is not null)
        {
            var (once, twice, extra) = counting.Count(timings.Select(t => t.Id));
            duplicates = $"{twice:N0} invoked more than once ({extra:N0} extra invocations), {timings.Count - once - twice:N0} never invoked";
            output.WriteLine($"at the function: {once:N0} of {timings.Count:N0} tasks invoked exactly once; {duplicates}");
            duplicatesMet = twice == 0 && once == timings.Count && timings.Count == count;
        }

        var baselineJobs = Math.Min(count, BaselineMaxJobs);
        output.WriteLine($"baseline: {baselineJobs:N0} empty Hangfire jobs on {store.HangfireStorageName}, queue poll " +
                         $"{engine.QueuePollInterval.TotalMilliseconds:0} ms, {engine.WorkerCount} workers (the engine's defaults), in this process");
        var baseline = await HangfireBaseline.EmptyJobsAsync(
            store, baselineJobs, engine.WorkerCount, engine.QueuePollInterval, BaselineTimeLimit, cancellationToken);
        var stopped = baseline.TimedOut ? $" (stopped after {baseline.RunTime.TotalSeconds:0} s)" : "";
        output.WriteLine($"  enqueued in {baseline.EnqueueTime.TotalSeconds:0.0} s ({baselineJobs / baseline.EnqueueTime.TotalSeconds:N0}/s, no server running); " +
                         $"{baseline.Succeeded:N0} succeeded in {baseline.RunTime.TotalSeconds:0.00} s{stopped}: {baseline.PerSecond:N0} jobs/s");
        var ratio = perSecond / baseline.PerSecond;
        output.WriteLine($"tasks/s over baseline jobs/s: {ratio:0.0}x");

        var rateMet = perSecond >= TargetPerSecond && complete.Count == count && watched.Failed == 0;
        var ratioMet = ratio >= TargetOverBaseline;
        var figures = new List<ScenarioFigure>
        {
            new("tasks/s, due to complete", $"{perSecond:N0} ({complete.Count:N0} of {count:N0} complete in {elapsed.TotalSeconds:0.0} s, {watched.Failed:N0} failed)",
                $">= {TargetPerSecond:N0}/s, none failed", rateMet),
            new("baseline: empty Hangfire jobs/s", $"{baseline.PerSecond:N0} ({baseline.Succeeded:N0} jobs in {baseline.RunTime.TotalSeconds:0.0} s{stopped})"),
            new("tasks/s over baseline", $"{ratio:0.0}x", $">= {TargetOverBaseline:0}x", ratioMet),
            new("server peak working set", ServerProcess.Mib(peak)),
        };
        if (duplicatesMet is not null) figures.Insert(1, new ScenarioFigure($"invocations at the function, {nodeCount} node(s)", duplicates, "0 twice, 0 never", duplicatesMet));
        var verdict = rateMet && ratioMet && duplicatesMet != false ? "target met" : "target missed";
        var where = $"{store.Name}, {nodeCount} node(s)" + (counting is null ? "" : $"; {duplicates}");
        var summary = $"SUMMARY dispatch: n={count:N0}, {perSecond:N0} tasks/s due to complete ({watched.Failed:N0} failed) on {where}; " +
                      $"Hangfire baseline {baseline.PerSecond:N0} jobs/s, ratio {ratio:0.0}x; server peak {ServerProcess.Mib(peak)} -> {verdict}";
        return new ScenarioResult(Name, figures, summary);
    }

    /// <summary>Waits for the tasks to finish; when they stall, says where they are stuck.</summary>
    private static async Task<WatchResult> WatchAsync(
        BenchStore store, ApiClient api, ServerProcess server, string tag, int count, CancellationToken cancellationToken)
    {
        try
        {
            return await TaskWatcher.WaitForAsync(api, server, tag, count, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(60), cancellationToken);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}{Environment.NewLine}Where they are:{Environment.NewLine}  {store.DescribeStall(tag)}", ex);
        }
    }

    /// <summary>Where the time went, from the engine's own timestamps (Unix ms, relative to when the tasks became due).</summary>
    private static void PrintBreakdown(TextWriter output, IReadOnlyList<TaskTiming> complete, long start, int batchSize)
    {
        if (complete.Count == 0) return;
        LatencyStats Of(Func<TaskTiming, long?> value) => TimingBreakdown.Of(complete, value);

        output.WriteLine("  after due (time at which the engine had done it for 50% / 100% of the tasks):");
        var claimed = Of(t => t.Claimed - start);
        var started = Of(t => t.ExecutionStart - start);
        var done = Of(t => t.StatusChanged - start);
        output.WriteLine($"    claimed {LatencyStats.Ms(claimed.P50)} / {LatencyStats.Ms(claimed.Max)}; " +
                         $"started {LatencyStats.Ms(started.P50)} / {LatencyStats.Ms(started.Max)}; completed {LatencyStats.Ms(done.P50)} / {LatencyStats.Ms(done.Max)}");
        output.WriteLine("  per task:");
        TimingBreakdown.PrintPerTask(output, complete);

        var cycle = complete.Where(t => t.Claimed.HasValue).Select(t => (double)(t.StatusChanged - t.Claimed!.Value)).DefaultIfEmpty(double.NaN).Average();
        output.WriteLine($"    claim -> outcome committed, mean {cycle:0.0} ms: with at most N tasks claimed at once, the rate cannot exceed N / that");
        TimingBreakdown.PrintClaims(output, TimingBreakdown.Claims(complete), batchSize);

        var most = TimingBreakdown.MostInProgress(complete);
        var tenth = complete.Count / 10;
        var ordered = complete.Select(t => t.StatusChanged).Order().ToList();
        var steady = ordered.Count >= 20 ? (ordered.Count - 2 * tenth) / Math.Max(0.001, (ordered[^(tenth + 1)] - ordered[tenth]) / 1000.0) : double.NaN;
        output.WriteLine($"  most tasks in progress at once: {most}; steady rate between 10% and 90% complete: {steady:N0} tasks/s");
    }
}
