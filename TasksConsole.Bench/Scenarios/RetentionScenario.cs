using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TasksConsole.Bench.Infrastructure;
using TasksConsole.Core.Audit;
using TasksConsole.Core.Data;
using TasksConsole.Core.Tasks;
using TasksConsole.Core.Tasks.Retention;

namespace TasksConsole.Bench.Scenarios;

/// <summary>
/// The retention purge on a large store while writes go on: --n seeded tasks over 30 days, complete and failed tasks
/// older than 15 days due for purging (about a third of the store), purged for one minute by the same
/// <see cref="TaskRetention"/> the server runs, while a steady stream of creates (the writes dispatch and the API
/// make) is timed before and during the purge. Reports the purge rate; target: creates during the purge stay within
/// 100 ms at p99, i.e. the purge never holds the store for long.
/// </summary>
internal sealed class RetentionScenario : IBenchScenario
{
    private const int DefaultTasks = 500_000;
    private const double TargetP99Ms = 100;
    private static readonly TimeSpan CreateEvery = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan Baseline = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan PurgeWindow = TimeSpan.FromMinutes(1);

    public string Name => "retention";

    public string Description => "purge of a third of --n seeded tasks while creates go on; target create p99 <= 100 ms during the purge";

    public async Task<ScenarioResult> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var output = context.Output;
        var count = context.Options.N ?? DefaultTasks;
        using var data = TempDirectory.Create("retention");
        await using var store = await BenchStore.CreateAsync(context.Options, data.Path, "retention", cancellationToken);
        await store.MigrateAsync(cancellationToken);
        var seed = store.Seed(new SeedProfile(), count, DateTimeOffset.UtcNow, seed: 20261203, cancellationToken);
        output.WriteLine($"store: {store.Name}; seeded {seed.Tasks:N0} tasks over 30 days in {seed.TotalTime.TotalSeconds:0.0} s");

        var services = store.BuildServices(core => core.AddTasksCore());
        await using (services)
        {
            var factory = services.GetRequiredService<IDbContextFactory<TasksDbContext>>();
            var options = new TaskRetentionOptions { Complete = TimeSpan.FromDays(15), Failed = TimeSpan.FromDays(15) };
            var retention = new TaskRetention(factory, services.GetRequiredService<AuditTrail>(), Options.Create(options), TimeProvider.System,
                NullLogger<TaskRetention>.Instance);
            var tasks = services.GetRequiredService<TaskService>();

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var before = new List<double>();
            var during = new List<double>();
            var purging = false;
            var writer = Task.Run(async () =>
            {
                var later = DateTimeOffset.UtcNow.AddDays(1);
                using var timer = new PeriodicTimer(CreateEvery);
                while (await timer.WaitForNextTickAsync(stop.Token).ConfigureAwait(false))
                {
                    var started = Stopwatch.GetTimestamp();
                    await tasks.CreateAsync(new NewTask("bench-retention", "{}", 0, later), Caller.System, stop.Token);
                    (purging ? during : before).Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            }, stop.Token);

            await Task.Delay(Baseline, cancellationToken);
            var due = await DueAsync(factory, options, cancellationToken);
            purging = true;
            var purgeStarted = Stopwatch.GetTimestamp();
            using (var window = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                window.CancelAfter(PurgeWindow);
                try
                {
                    await retention.PurgeAsync(window.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // The minute is up; what it deleted is counted below.
                }
            }
            var purgeTime = Stopwatch.GetElapsedTime(purgeStarted);
            await stop.CancelAsync();
            try
            {
                await writer;
            }
            catch (OperationCanceledException)
            {
            }
            var purged = due - await DueAsync(factory, options, cancellationToken);

            var baseline = new LatencyStats(before);
            var load = new LatencyStats(during);
            var rate = purged / purgeTime.TotalSeconds;
            var met = load.P99 <= TargetP99Ms;
            output.WriteLine($"purged {purged:N0} of {due:N0} due tasks in {purgeTime.TotalSeconds:0.0} s: {rate:N0} tasks/s, " +
                             $"batches of {options.BatchSize} with {options.BatchPause.TotalMilliseconds:0} ms between");
            output.WriteLine($"creates every {CreateEvery.TotalMilliseconds:0} ms, before the purge: {baseline}");
            output.WriteLine($"creates every {CreateEvery.TotalMilliseconds:0} ms, during the purge: {load}");
            var figures = new List<ScenarioFigure>
            {
                new("purge", $"{purged:N0} of {due:N0} due tasks in {purgeTime.TotalSeconds:0.0} s ({rate:N0} tasks/s)"),
                new("create latency before", $"p50 {LatencyStats.Ms(baseline.P50)}, p99 {LatencyStats.Ms(baseline.P99)}, max {LatencyStats.Ms(baseline.Max)}"),
                new("create latency during the purge", $"p50 {LatencyStats.Ms(load.P50)}, p99 {LatencyStats.Ms(load.P99)}, max {LatencyStats.Ms(load.Max)}",
                    $"p99 <= {TargetP99Ms:0} ms", met),
            };
            var summary = $"SUMMARY retention: n={count:N0} ({store.Name}), purged {purged:N0} at {rate:N0} tasks/s; create p99 " +
                          $"{LatencyStats.Ms(baseline.P99)} before, {LatencyStats.Ms(load.P99)} during -> {(met ? "target met" : "target missed")}";
            return new ScenarioResult(Name, figures, summary);
        }
    }

    /// <summary>How many tasks the options make due for purging now.</summary>
    private static async Task<long> DueAsync(IDbContextFactory<TasksDbContext> factory, TaskRetentionOptions options, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var now = DateTimeOffset.UtcNow;
        long due = 0;
        foreach (var (status, period) in options.TaskPeriods())
        {
            var cutOff = now - period;
            due += await db.Tasks.LongCountAsync(t => t.Status == status && t.StatusChangedTimestamp < cutOff, cancellationToken);
        }
        return due;
    }
}
