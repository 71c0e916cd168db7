using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using TasksConsole.Bench.Infrastructure;

namespace TasksConsole.Bench.Scenarios;

/// <summary>
/// Live update latency: a SignalR client on <c>/hubs/tasks</c> (bearer token as <c>access_token</c>) while tasks on the
/// no-op function are created at an even pace, each producing three changes (created, in progress, complete), about
/// <c>--rate</c> changes per second in all. Latency = when the client received the message minus the message's
/// <c>timestamp</c>, the instant the server gave the change; both clocks are this machine's. Target: p95 at most 100 ms.
/// </summary>
/// <remarks>
/// The server takes that instant just before it commits (the created, in-progress and outcome writes all do), so the
/// figure is an upper bound on commit-to-receive: it includes the commit itself. Timestamps have millisecond precision.
/// </remarks>
internal sealed class LiveScenario : IBenchScenario
{
    private static readonly TimeSpan DefaultDuration = TimeSpan.FromSeconds(20);
    private const double DefaultChangesPerSecond = 200;
    private const int ChangesPerTask = 3;
    private const double TargetP95Ms = 100;
    private const string Tag = "bench-live";
    private const int WarmUpTasks = 20;

    public string Name => "live";

    public string Description => "hub /hubs/tasks under --rate changes/s for --duration s; target commit-to-client p95 <= 100 ms";

    public async Task<ScenarioResult> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var output = context.Output;
        var duration = context.Options.Duration ?? DefaultDuration;
        var changesPerSecond = context.Options.Rate ?? DefaultChangesPerSecond;
        var tasksPerSecond = changesPerSecond / ChangesPerTask;
        // Not measured: the first changes through the relay and hub pay for JIT in both processes.
        var warmUp = TimeSpan.FromSeconds(Math.Clamp(duration.TotalSeconds / 4, 0.5, 3));

        using var data = TempDirectory.Create("live");
        var received = new ConcurrentQueue<(HubTaskChange Change, DateTimeOffset At)>();
        LatencyStats all;
        Dictionary<string, LatencyStats> byStatus;
        long created, errors, expected, ours;
        LatencyStats creates;
        double messagesPerSecond;
        long? peak;
        await using (var store = await BenchStore.CreateAsync(context.Options, data.Combine("server"), "live", cancellationToken))
        await using (var server = await store.StartServerAsync(context, cancellationToken))
        {
            output.WriteLine($"store: {store.Name}");
            using var api = await ApiClient.SignInAsync(server, cancellationToken);
            await using var hub = new HubConnectionBuilder()
                .WithUrl(new Uri(server.BaseAddress, "/hubs/tasks"), options =>
                {
                    // The token goes in the query string as access_token, as a browser's WebSocket must send it.
                    options.Transports = HttpTransportType.WebSockets;
                    options.AccessTokenProvider = () => Task.FromResult<string?>(api.AccessToken);
                })
                .Build();
            hub.On<HubTaskChange>("TaskChanged", change => received.Enqueue((change, DateTimeOffset.UtcNow)));
            await hub.StartAsync(cancellationToken);
            output.WriteLine("hub connected over WebSockets, bearer token as access_token");
            await EngineWarmUp.RunAsync(api, server, WarmUpTasks, output, cancellationToken);

            output.WriteLine($"creating tasks on '{EngineWarmUp.FunctionName}' at {tasksPerSecond:0.#}/s (~{changesPerSecond:0} changes/s) " +
                             $"for {warmUp.TotalSeconds:0.#} s warm-up + {duration.TotalSeconds:0.#} s measured");
            var loadStart = DateTimeOffset.UtcNow;
            var measureFrom = loadStart + warmUp;
            var measureTo = measureFrom + duration;
            (created, errors, creates) = await CreateAtPaceAsync(api, tasksPerSecond, warmUp + duration, cancellationToken);

            // Every change of every task created is expected at the client: wait for the stragglers.
            expected = created * ChangesPerTask;
            var drain = Stopwatch.StartNew();
            while (Ours(received) < expected && drain.Elapsed < TimeSpan.FromSeconds(60))
            {
                server.EnsureRunning();
                await Task.Delay(100, cancellationToken);
            }
            ours = Ours(received);
            server.EnsureRunning();
            peak = server.PeakWorkingSetBytes();

            var measured = received.Where(r => r.Change.Tags.Contains(Tag) && r.Change.Timestamp >= measureFrom && r.Change.Timestamp < measureTo).ToList();
            all = new LatencyStats(measured.Select(Latency));
            byStatus = measured.GroupBy(r => r.Change.Status).ToDictionary(g => g.Key, g => new LatencyStats(g.Select(Latency)));
            messagesPerSecond = measured.Count / duration.TotalSeconds;
            await hub.StopAsync(CancellationToken.None);
        }

        output.WriteLine($"{created:N0} tasks created ({errors} errors); {ours:N0} of {expected:N0} expected changes received");
        // A created change is stamped before its INSERT and sent after its commit, so the POST's own latency bounds
        // how much of the created figure is the write (and the wait for SQLite's one writer) rather than the feed.
        output.WriteLine($"  POST /tasks/v1/ latency meanwhile: p50 {LatencyStats.Ms(creates.P50)}, p95 {LatencyStats.Ms(creates.P95)}, max {LatencyStats.Ms(creates.Max)}");
        output.WriteLine($"commit -> client over {all.Count:N0} messages in the measured window ({messagesPerSecond:N0}/s): " +
                         $"p50 {LatencyStats.Ms(all.P50)}, p95 {LatencyStats.Ms(all.P95)}, p99 {LatencyStats.Ms(all.P99)}, max {LatencyStats.Ms(all.Max)}");
        foreach (var (status, stats) in byStatus.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {status}: {stats.Count:N0} messages, p50 {LatencyStats.Ms(stats.P50)}, p95 {LatencyStats.Ms(stats.P95)}, max {LatencyStats.Ms(stats.Max)}");
        }
        output.WriteLine($"server peak working set (VmHWM): {ServerProcess.Mib(peak)}");

        var lost = expected - ours;
        var met = all.Count > 0 && all.P95 <= TargetP95Ms && lost == 0 && errors == 0;
        var figures = new List<ScenarioFigure>
        {
            new("commit -> hub client latency", $"p50 {LatencyStats.Ms(all.P50)}, p95 {LatencyStats.Ms(all.P95)}, p99 {LatencyStats.Ms(all.P99)} " +
                                                $"({all.Count:N0} messages, {messagesPerSecond:N0}/s, {lost} lost)",
                $"p95 <= {TargetP95Ms:0} ms, none lost", met),
            new("server peak working set", ServerProcess.Mib(peak)),
        };
        var summary = $"SUMMARY live: {messagesPerSecond:N0} changes/s to one hub client, latency p50 {LatencyStats.Ms(all.P50)}, " +
                      $"p95 {LatencyStats.Ms(all.P95)}, {lost} lost; server peak {ServerProcess.Mib(peak)}; store {context.Options.Store} -> {(met ? "target met" : "target missed")}";
        return new ScenarioResult(Name, figures, summary);

        static double Latency((HubTaskChange Change, DateTimeOffset At) r) => (r.At - r.Change.Timestamp).TotalMilliseconds;
    }

    private static long Ours(ConcurrentQueue<(HubTaskChange Change, DateTimeOffset At)> received) =>
        received.Count(r => r.Change.Tags.Contains(Tag));

    /// <summary>
    /// Open loop: the i-th create is sent at <c>i / rate</c> seconds whether or not earlier ones were answered, so a
    /// slow server gets the load it was promised instead of the load it can take.
    /// </summary>
    private static async Task<(long Created, long Errors, LatencyStats Latency)> CreateAtPaceAsync(
        ApiClient api, double perSecond, TimeSpan length, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var pending = new List<Task>();
        var latencies = new ConcurrentQueue<double>();
        long created = 0, errors = 0;
        for (var i = 0; ; i++)
        {
            var due = TimeSpan.FromSeconds(i / perSecond);
            if (due >= length) break;
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait, cancellationToken);
            var body = ApiClient.TaskBody(EngineWarmUp.FunctionName, Tag, i);
            pending.Add(Task.Run(async () =>
            {
                try
                {
                    var sent = Stopwatch.GetTimestamp();
                    await api.CreateTaskAsync(body, cancellationToken);
                    latencies.Enqueue(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                    Interlocked.Increment(ref created);
                }
                catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    Interlocked.Increment(ref errors);
                }
            }, CancellationToken.None));
        }
        await Task.WhenAll(pending);
        cancellationToken.ThrowIfCancellationRequested();
        return (created, errors, new LatencyStats(latencies));
    }

    /// <summary>The hub's <c>TaskChanged</c> message as a client sees it.</summary>
    private sealed record HubTaskChange(string Kind, string TaskId, string FunctionName, string Status, IReadOnlyList<string> Tags, DateTimeOffset Timestamp);
}
