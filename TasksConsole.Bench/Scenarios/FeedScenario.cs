using System.Collections.Concurrent;
using System.Diagnostics;
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
/// The change feed between nodes over PostgreSQL LISTEN/NOTIFY: two nodes' feeds in this process (each with its own
/// connections, as two servers would have) on a database made for the run. Node A publishes task changes at an even
/// pace (<c>--rate</c>, created / in progress / complete in turn, with the sizes real changes have); a subscriber on
/// node B records when each arrives. Latency = received on B minus published on A, on one clock. Target: p95 at most
/// 250 ms and none lost. It also times the alternative it replaces: reading the changed tasks by id, one read per
/// notification.
/// </summary>
internal sealed class FeedScenario : IBenchScenario
{
    private static readonly TimeSpan DefaultDuration = TimeSpan.FromSeconds(20);
    private const double DefaultChangesPerSecond = 500;
    private const double TargetP95Ms = 250;
    private const string Tag = "bench-feed";
    private const int IdsPerRead = 60;
    private const int ReadRuns = 50;

    public string Name => "feed";

    public string Description => "node A -> node B change feed over PostgreSQL NOTIFY (needs --postgres) at --rate changes/s; target p95 <= 250 ms, none lost";

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
            await using (var db = new TasksDbContext(new DbContextOptionsBuilder<TasksDbContext>().UseNpgsql(connectionString).Options))
            {
                await db.Database.EnsureCreatedAsync(cancellationToken);
            }
            return await MeasureAsync(output, connectionString, rate, warmUp, duration, cancellationToken);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(server, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", CancellationToken.None);
        }
    }

    private async Task<ScenarioResult> MeasureAsync(
        TextWriter output, string connectionString, double rate, TimeSpan warmUp, TimeSpan duration, CancellationToken cancellationToken)
    {
        var sent = new ConcurrentDictionary<(string, TaskState), long>();
        var received = new ConcurrentDictionary<(string, TaskState), long>();
        long duplicates = 0;
        using var nodeB = await StartNodeAsync(connectionString, cancellationToken);
        using var nodeA = await StartNodeAsync(connectionString, cancellationToken);
        var feedA = nodeA.Services.GetRequiredService<ITaskChangeFeed>();
        var notifier = nodeA.Services.GetRequiredService<ChangeNotifier>();
        var listener = nodeB.Services.GetRequiredService<ChangeListener>();
        using var subscription = nodeB.Services.GetRequiredService<ITaskChangeFeed>().Subscribe(change =>
        {
            if (!received.TryAdd((change.TaskId, change.Status), Stopwatch.GetTimestamp())) Interlocked.Increment(ref duplicates);
        });
        output.WriteLine($"two feed nodes on database {new NpgsqlConnectionStringBuilder(connectionString).Database}; " +
                         $"publishing {rate:0} changes/s on node A for {warmUp.TotalSeconds:0.#} s warm-up + {duration.TotalSeconds:0.#} s measured");

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
                    task = TaskRecord.New(ObjectId.NewId(), new NewTask(EngineWarmUp.FunctionName, Tags: [Tag, $"bench-{i % 10}"]), Caller.System, now);
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
            sent[(change.TaskId, change.Status)] = Stopwatch.GetTimestamp();
            feedA.Publish(change);
            published++;
        }

        var drain = Stopwatch.StartNew();
        while (received.Count < published && drain.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(50, cancellationToken);
        var lost = published - received.Count;
        var latencies = sent.Where(s => s.Value >= measureFrom && received.ContainsKey(s.Key))
            .Select(s => (received[s.Key] - s.Value) * 1000.0 / Stopwatch.Frequency);
        var all = new LatencyStats(latencies);
        var perSecond = all.Count / duration.TotalSeconds;
        var perNotification = notifier.Notifications == 0 ? 0 : (double)notifier.ChangesSent / notifier.Notifications;
        var bytesPerChange = notifier.ChangesSent == 0 ? 0 : (double)notifier.BytesSent / notifier.ChangesSent;
        output.WriteLine($"{published:N0} changes published on A; {received.Count:N0} received on B ({listener.Received:N0} in notifications), " +
                         $"{lost} lost, {duplicates} shown twice");
        output.WriteLine($"node A -> node B over {all.Count:N0} measured changes ({perSecond:N0}/s): p50 {LatencyStats.Ms(all.P50)}, " +
                         $"p95 {LatencyStats.Ms(all.P95)}, p99 {LatencyStats.Ms(all.P99)}, max {LatencyStats.Ms(all.Max)}");
        output.WriteLine($"payloads: {notifier.Notifications:N0} notifications, {perNotification:0.0} changes each, {bytesPerChange:0} bytes per change " +
                         $"(limit {ChangePayload.MaxBytes} bytes a notification)");

        var reads = await TimeReadsByIdAsync(nodeA, cancellationToken);
        output.WriteLine($"ids then a read, the alternative: reading {IdsPerRead} tasks by id takes p50 {LatencyStats.Ms(reads.P50)}, " +
                         $"p95 {LatencyStats.Ms(reads.P95)} ({ReadRuns} reads), per notification and per node");

        await nodeA.StopAsync(CancellationToken.None);
        await nodeB.StopAsync(CancellationToken.None);

        var met = all.Count > 0 && all.P95 <= TargetP95Ms && lost == 0 && duplicates == 0;
        var figures = new List<ScenarioFigure>
        {
            new("node A -> node B latency", $"p50 {LatencyStats.Ms(all.P50)}, p95 {LatencyStats.Ms(all.P95)}, p99 {LatencyStats.Ms(all.P99)} " +
                                            $"({all.Count:N0} changes, {perSecond:N0}/s, {lost} lost, {duplicates} twice)",
                $"p95 <= {TargetP95Ms:0} ms, none lost", met),
            new("NOTIFY payloads", $"{perNotification:0.0} changes and {bytesPerChange * perNotification:N0} bytes per notification"),
            new($"read of {IdsPerRead} tasks by id (alternative)", $"p50 {LatencyStats.Ms(reads.P50)}, p95 {LatencyStats.Ms(reads.P95)}"),
        };
        var summary = $"SUMMARY feed: {perSecond:N0} changes/s node A -> node B, p50 {LatencyStats.Ms(all.P50)}, p95 {LatencyStats.Ms(all.P95)}, " +
                      $"{lost} lost, {duplicates} twice; {perNotification:0.0} changes per NOTIFY -> {(met ? "target met" : "target missed")}";
        return new ScenarioResult(Name, figures, summary);
    }

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
}
