using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using TasksConsole.Bench.Infrastructure;
using TasksConsole.Core.Common;
using TasksConsole.Core.Data;
using TasksConsole.Core.Tasks;
using TasksConsole.Core.Tasks.CrossNode;

namespace TasksConsole.Bench.Scenarios;

/// <summary>
/// The change feed between nodes over PostgreSQL LISTEN/NOTIFY, on a database made for the run. Node A and node B
/// are two nodes' feeds in this process, each with its own connections, as two servers would have; node C is the
/// server process started on that database (<c>Storage:Provider=PostgreSql</c>) with a SignalR client on its hub.
/// Node A publishes task changes at an even pace (<c>--rate</c>, created / in progress / complete in turn, with the
/// sizes real changes have); a subscriber on node B and the hub client on node C record when each arrives.
/// Latency = received minus published on A, on this machine's clock. Target: p95 at most 250 ms at the hub client,
/// none lost, none twice. It also times the alternative it replaces: reading the changed tasks by id, one read per
/// notification.
/// </summary>
internal sealed class FeedScenario : IBenchScenario
{
    private static readonly TimeSpan DefaultDuration = TimeSpan.FromSeconds(20);
    private const double DefaultChangesPerSecond = 500;
    private const double TargetP95Ms = 250;
    private const string Tag = "bench-feed";
    private const string ProbeTag = "bench-feed-probe";
    private const int IdsPerRead = 60;
    private const int ReadRuns = 50;

    public string Name => "feed";

    public string Description => "node A -> node B feed and node C hub client over PostgreSQL NOTIFY (needs --postgres) at --rate changes/s; target p95 <= 250 ms, none lost";

    public async Task<ScenarioResult> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var output = context.Output;
        if (context.Options.Postgres is not { } server)
        {
            output.WriteLine("not run: this scenario needs a PostgreSQL server, --postgres \"Host=…;Username=…;Database=postgres\"");
            return new ScenarioResult(Name, [new ScenarioFigure("node A -> node B latency", "not run (no --postgres)", $"p95 <= {TargetP95Ms:0} ms, none lost")],
                "SUMMARY feed: not run, needs --postgres");
        }
        var duration = context.Options.Duration ?? DefaultDuration;
        var rate = context.Options.Rate ?? DefaultChangesPerSecond;
        var warmUp = TimeSpan.FromSeconds(Math.Clamp(duration.TotalSeconds / 4, 0.5, 3));

        var name = $"tc_bench_feed_{Guid.NewGuid():N}";
        await ExecuteAsync(server, $"CREATE DATABASE \"{name}\"", cancellationToken);
        try
        {
            var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = name }.ToString();
            return await MeasureAsync(context, connectionString, rate, warmUp, duration, cancellationToken);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(server, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", CancellationToken.None);
        }
    }

    private async Task<ScenarioResult> MeasureAsync(
        BenchContext context, string connectionString, double rate, TimeSpan warmUp, TimeSpan duration, CancellationToken cancellationToken)
    {
        var output = context.Output;
        var sent = new ConcurrentDictionary<(string, string), long>();
        var atNodeB = new ConcurrentDictionary<(string, string), long>();
        var atHub = new ConcurrentDictionary<(string, string), long>();
        long twiceAtNodeB = 0, twiceAtHub = 0;
        using var data = TempDirectory.Create("feed");
        await using var server = await ServerProcess.StartAsync(data.Combine("server"), output, cancellationToken,
            [.. context.Options.ServerSettings, "Storage:Provider=PostgreSql", $"ConnectionStrings:Tasks={connectionString}"]);
        // The server has migrated the database at start-up: the read timed below finds the store's tables.
        using var api = await ApiClient.SignInAsync(server, cancellationToken);
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, "/hubs/tasks"), options =>
            {
                options.Transports = HttpTransportType.WebSockets;
                options.AccessTokenProvider = () => Task.FromResult<string?>(api.AccessToken);
            })
            .Build();
        hub.On<HubTaskChange>("TaskChanged", change =>
        {
            if (!change.Tags.Contains(Tag) && !change.Tags.Contains(ProbeTag)) return;
            if (!atHub.TryAdd((change.TaskId, change.Status), Stopwatch.GetTimestamp())) Interlocked.Increment(ref twiceAtHub);
        });
        await hub.StartAsync(cancellationToken);

        using var nodeB = await StartNodeAsync(connectionString, cancellationToken);
        using var nodeA = await StartNodeAsync(connectionString, cancellationToken);
        var feedA = nodeA.Services.GetRequiredService<ITaskChangeFeed>();
        var notifier = nodeA.Services.GetRequiredService<ChangeNotifier>();
        var listener = nodeB.Services.GetRequiredService<ChangeListener>();
        using var subscription = nodeB.Services.GetRequiredService<ITaskChangeFeed>().Subscribe(change =>
        {
            if (!atNodeB.TryAdd((change.TaskId, change.Status.ToWire()), Stopwatch.GetTimestamp())) Interlocked.Increment(ref twiceAtNodeB);
        });
        await HandshakeAsync(feedA, atNodeB, atHub, server, cancellationToken);
        output.WriteLine($"nodes A and B (feeds in this process) and C (the server, hub client over WebSockets) on database " +
                         $"{new NpgsqlConnectionStringBuilder(connectionString).Database}; publishing {rate:0} changes/s on node A for " +
                         $"{warmUp.TotalSeconds:0.#} s warm-up + {duration.TotalSeconds:0.#} s measured");

        // Open loop: the i-th change is published at i / rate seconds, however the feed keeps up.
        var clock = Stopwatch.StartNew();
        var measureFrom = Stopwatch.GetTimestamp() + (long)(warmUp.TotalSeconds * Stopwatch.Frequency);
        TaskRecord? task = null;
        long published = 0;
        for (var i = 0; ; i++)
        {
            var due = TimeSpan.FromSeconds(i / rate);
            if (due >= warmUp + duration) break;
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait, cancellationToken);
            var now = TimeProvider.System.GetStoredNow();
            TaskChange change;
            switch (i % 3)
            {
                case 0:
                    task = NewTask(Tag, i, now);
                    change = TaskChange.Created(task, now);
                    break;
                case 1:
                    task!.Status = TaskState.InProgress;
                    change = TaskChange.StatusChanged(task, now);
                    break;
                default:
                    task!.Status = TaskState.Complete;
                    change = TaskChange.StatusChanged(task, now);
                    break;
            }
            sent[(change.TaskId, change.Status.ToWire())] = Stopwatch.GetTimestamp();
            feedA.Publish(change);
            published++;
        }

        var drain = Stopwatch.StartNew();
        while ((Ours(atNodeB) < published || Ours(atHub) < published) && drain.Elapsed < TimeSpan.FromSeconds(30))
        {
            server.EnsureRunning();
            await Task.Delay(50, cancellationToken);
        }
        server.EnsureRunning();
        var peak = server.PeakWorkingSetBytes();
        var lostAtNodeB = published - Ours(atNodeB);
        var lostAtHub = published - Ours(atHub);
        var nodeBStats = Latencies(atNodeB);
        var hubStats = Latencies(atHub);
        var perSecond = hubStats.Count / duration.TotalSeconds;
        var perNotification = notifier.Notifications == 0 ? 0 : (double)notifier.ChangesSent / notifier.Notifications;
        var bytesPerChange = notifier.ChangesSent == 0 ? 0 : (double)notifier.BytesSent / notifier.ChangesSent;
        output.WriteLine($"{published:N0} changes published on A; node B shown {Ours(atNodeB):N0} ({listener.Received:N0} in notifications), " +
                         $"{lostAtNodeB} lost, {twiceAtNodeB} twice; node C's hub client received {Ours(atHub):N0}, {lostAtHub} lost, {twiceAtHub} twice");
        output.WriteLine($"node A -> node B feed over {nodeBStats.Count:N0} measured changes: p50 {LatencyStats.Ms(nodeBStats.P50)}, " +
                         $"p95 {LatencyStats.Ms(nodeBStats.P95)}, p99 {LatencyStats.Ms(nodeBStats.P99)}, max {LatencyStats.Ms(nodeBStats.Max)}");
        output.WriteLine($"node A -> node C hub client over {hubStats.Count:N0} measured changes ({perSecond:N0}/s): p50 {LatencyStats.Ms(hubStats.P50)}, " +
                         $"p95 {LatencyStats.Ms(hubStats.P95)}, p99 {LatencyStats.Ms(hubStats.P99)}, max {LatencyStats.Ms(hubStats.Max)}");
        output.WriteLine($"payloads: {notifier.Notifications:N0} notifications, {perNotification:0.0} changes each, {bytesPerChange:0} bytes per change " +
                         $"(limit {ChangePayload.MaxBytes} bytes a notification)");

        var reads = await TimeReadsByIdAsync(nodeA, cancellationToken);
        output.WriteLine($"ids then a read, the alternative: reading {IdsPerRead} tasks by id takes p50 {LatencyStats.Ms(reads.P50)}, " +
                         $"p95 {LatencyStats.Ms(reads.P95)} ({ReadRuns} reads), per notification and per node");
        output.WriteLine($"server peak working set (VmHWM): {ServerProcess.Mib(peak)}");

        await hub.StopAsync(CancellationToken.None);
        await nodeA.StopAsync(CancellationToken.None);
        await nodeB.StopAsync(CancellationToken.None);

        var lost = lostAtNodeB + lostAtHub;
        var twice = twiceAtNodeB + twiceAtHub;
        var met = hubStats.Count > 0 && hubStats.P95 <= TargetP95Ms && nodeBStats.P95 <= TargetP95Ms && lost == 0 && twice == 0;
        var figures = new List<ScenarioFigure>
        {
            new("node A -> node C hub client latency", $"p50 {LatencyStats.Ms(hubStats.P50)}, p95 {LatencyStats.Ms(hubStats.P95)}, p99 {LatencyStats.Ms(hubStats.P99)} " +
                                                       $"({hubStats.Count:N0} changes, {perSecond:N0}/s, {lostAtHub} lost, {twiceAtHub} twice)",
                $"p95 <= {TargetP95Ms:0} ms, none lost", hubStats.Count > 0 && hubStats.P95 <= TargetP95Ms && lostAtHub == 0 && twiceAtHub == 0),
            new("node A -> node B feed latency", $"p50 {LatencyStats.Ms(nodeBStats.P50)}, p95 {LatencyStats.Ms(nodeBStats.P95)}, p99 {LatencyStats.Ms(nodeBStats.P99)} " +
                                                 $"({nodeBStats.Count:N0} changes, {lostAtNodeB} lost, {twiceAtNodeB} twice)",
                $"p95 <= {TargetP95Ms:0} ms, none lost", nodeBStats.Count > 0 && nodeBStats.P95 <= TargetP95Ms && lostAtNodeB == 0 && twiceAtNodeB == 0),
            new("NOTIFY payloads", $"{perNotification:0.0} changes and {bytesPerChange * perNotification:N0} bytes per notification"),
            new($"read of {IdsPerRead} tasks by id (alternative)", $"p50 {LatencyStats.Ms(reads.P50)}, p95 {LatencyStats.Ms(reads.P95)}"),
            new("server peak working set", ServerProcess.Mib(peak)),
        };
        var summary = $"SUMMARY feed: {perSecond:N0} changes/s node A -> node C hub client p50 {LatencyStats.Ms(hubStats.P50)}, p95 {LatencyStats.Ms(hubStats.P95)}; " +
                      $"-> node B feed p95 {LatencyStats.Ms(nodeBStats.P95)}; {lost} lost, {twice} twice; {perNotification:0.0} changes per NOTIFY " +
                      $"-> {(met ? "target met" : "target missed")}";
        return new ScenarioResult(Name, figures, summary);

        long Ours(ConcurrentDictionary<(string, string), long> received) => received.Keys.Count(sent.ContainsKey);

        LatencyStats Latencies(ConcurrentDictionary<(string, string), long> received) => new(sent
            .Where(s => s.Value >= measureFrom && received.ContainsKey(s.Key))
            .Select(s => (received[s.Key] - s.Value) * 1000.0 / Stopwatch.Frequency));
    }

    /// <summary>
    /// Publishes probe changes on node A until node B and the hub client both received one: every node is listening
    /// before the measured load starts, so a change sent before a listener was ready is not counted as lost.
    /// </summary>
    private static async Task HandshakeAsync(
        ITaskChangeFeed feedA, ConcurrentDictionary<(string, string), long> atNodeB, ConcurrentDictionary<(string, string), long> atHub,
        ServerProcess server, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        var probes = new HashSet<(string, string)>();
        for (var i = 0; !(probes.Any(atNodeB.ContainsKey) && probes.Any(atHub.ContainsKey)); i++)
        {
            if (waited.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new InvalidOperationException("Node B or the server's hub client received no probe change within 60 s. " +
                                                    $"The server's last output:{Environment.NewLine}{server.RecentOutput()}");
            }
            server.EnsureRunning();
            var now = TimeProvider.System.GetStoredNow();
            var probe = NewTask(ProbeTag, i, now);
            probes.Add((probe.Id, probe.Status.ToWire()));
            feedA.Publish(TaskChange.Created(probe, now));
            await Task.Delay(200, cancellationToken);
        }
    }

    private static TaskRecord NewTask(string tag, int i, DateTimeOffset now) =>
        TaskRecord.New(ObjectId.NewId(), new NewTask(EngineWarmUp.FunctionName, Tags: [tag, $"bench-{i % 10}"]), Caller.System, now);

    /// <summary>What "ids then a read" would cost each node per notification: one indexed read of the tasks named.</summary>
    private static async Task<LatencyStats> TimeReadsByIdAsync(IHost node, CancellationToken cancellationToken)
    {
        var factory = node.Services.GetRequiredService<IDbContextFactory<TasksDbContext>>();
        var now = TimeProvider.System.GetStoredNow();
        var tasks = Enumerable.Range(0, IdsPerRead * 20)
            .Select(i => TaskRecord.New(ObjectId.NewId(), new NewTask(EngineWarmUp.FunctionName, Tags: [Tag, $"bench-{i % 10}"]), Caller.System, now))
            .ToList();
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            db.Tasks.AddRange(tasks);
            await db.SaveChangesAsync(cancellationToken);
        }
        var random = new Random(7);
        var times = new List<double>();
        for (var run = 0; run < ReadRuns + 3; run++)
        {
            var ids = Enumerable.Range(0, IdsPerRead).Select(_ => tasks[random.Next(tasks.Count)].Id).Distinct().ToList();
            var started = Stopwatch.GetTimestamp();
            await using (var db = await factory.CreateDbContextAsync(cancellationToken))
            {
                await db.Tasks.AsNoTracking().Where(t => ids.Contains(t.Id))
                    .Select(t => new { t.Id, t.FunctionName, t.Status, t.Tags, t.StartTimestamp })
                    .ToListAsync(cancellationToken);
            }
            if (run >= 3) times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        return new LatencyStats(times);
    }

    /// <summary>A node's feed as the server registers it on PostgreSQL: the in-process feed, then the cross-node one over it.</summary>
    private static async Task<IHost> StartNodeAsync(string connectionString, CancellationToken cancellationToken)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddPooledDbContextFactory<TasksDbContext>(options => options.UseNpgsql(connectionString));
        builder.Services.AddSingleton<ITaskChangeFeed, TaskChangeFeed>();
        builder.AddCrossNodeChangeFeedCore(connectionString);
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        var listener = host.Services.GetRequiredService<ChangeListener>();
        var waited = Stopwatch.StartNew();
        while (listener.Connections == 0)
        {
            if (waited.Elapsed > TimeSpan.FromSeconds(30)) throw new InvalidOperationException("The node's listener did not connect within 30 s.");
            await Task.Delay(20, cancellationToken);
        }
        return host;
    }

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The hub's <c>TaskChanged</c> message as a client sees it.</summary>
    private sealed record HubTaskChange(string Kind, string TaskId, string FunctionName, string Status, IReadOnlyList<string> Tags, DateTimeOffset Timestamp);
}
