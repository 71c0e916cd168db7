using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TasksConsole.Bench.Infrastructure;
using TasksConsole.Core.Audit;
using TasksConsole.Core.Data;
using TasksConsole.Core.Functions;
using TasksConsole.Core.Metrics;
using TasksConsole.Core.Tasks;

namespace TasksConsole.Bench.Scenarios;

/// <summary>
/// What recording actions in the audit trail adds to the actions themselves, in one run on one store: single cancels
/// (recorded for every caller) and creates from the console (recorded; API creates are not), each timed with and
/// without the audit trail. Cost is the process's CPU time per action (the measure that counts on a busy node), and
/// wall time per action beside it. The audited side includes waiting for its entries to be stored.
/// The two sides take turns in chunks of <see cref="Chunk"/> actions (ABBA, so that a drift in the machine's speed
/// within a round hits both alike), and each side's cost is the sum over all its chunks: the events that swing a
/// single second's cost on this machine (a slow fsync, a WAL checkpoint) then fall on either side by chance, many
/// times over, instead of deciding a whole round. As a second view, each round also times entries recorded alone,
/// with no action around them, and sets their cost beside the actions'. Target: at most 5% more.
/// </summary>
internal sealed class AuditScenario : IBenchScenario
{
    private const int DefaultPerRound = 4_000;
    private const int DefaultRounds = 12;
    // One full batch of the writer, the batch it forms on its own at these rates (its gathering window collects about
    // a thousand entries at 4,000 actions a second): a chunk ends by waiting for its entries, and a smaller chunk would
    // cut the writer's batches, and multiply its commits, below what the same load makes without the bench.
    private const int Chunk = AuditWriter.MaxBatch;
    private const int Workers = 4;
    private const double TargetOverheadPercent = 5;
    private const string Function = "bench-audit";

    public string Name => "audit";

    public string Description => "cost of the audit trail on single cancels and console creates, audited vs not, same run; target <= 5% more";

    public async Task<ScenarioResult> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var output = context.Output;
        var perRound = Math.Max(Chunk, (context.Options.N ?? DefaultPerRound) / Chunk * Chunk);
        var rounds = context.Options.Runs ?? DefaultRounds;
        using var data = TempDirectory.Create("audit");
        await using var store = await BenchStore.CreateAsync(context.Options, data.Combine("server"), "audit", cancellationToken);
        var services = store.BuildServices(core => core.AddTasksCore());
        await using (services)
        {
            await services.MigrateTasksStoreAsync(cancellationToken);
            var audit = services.GetRequiredService<AuditTrail>();
            var writer = services.GetRequiredService<AuditWriter>();
            // Two services alike in everything (metrics, options) but the trail.
            TaskService Tasks(AuditTrail? trail) => new(
                services.GetRequiredService<IDbContextFactory<TasksDbContext>>(), TimeProvider.System, services.GetRequiredService<ITaskChangeFeed>(),
                services.GetRequiredService<IFunctionCatalog>(), services.GetService<TasksMetrics>(), services.GetService<IOptions<FunctionsOptions>>(), trail);
            var audited = Tasks(audit);
            var plain = Tasks(null);
            var future = DateTimeOffset.UtcNow.AddDays(1);
            output.WriteLine($"store: {store.Name}; {rounds} rounds of {perRound:N0} actions on each side in chunks of {Chunk}, taking turns; {Workers} workers");

            var cancels = new Comparison();
            var creates = new Comparison();
            var entriesAlone = new List<double>();
            // Round -1 warms up (JIT, caches, the store's first pages) and is not counted.
            for (var round = -1; round < rounds; round++)
            {
                var counted = round >= 0;
                var ids = new Dictionary<bool, List<string>>();
                foreach (var withAudit in new[] { false, true })
                {
                    var tag = $"bench-audit-{round}-{withAudit}";
                    store.SeedDue(perRound, Function, future, tag, cancellationToken);
                    ids[withAudit] = await IdsAsync(services, tag, cancellationToken);
                }
                await TakeTurnsAsync(perRound, counted ? cancels : null, (withAudit, i) =>
                    (withAudit ? audited : plain).TryCancelAsync(ids[withAudit][i], cancellationToken), writer);
                await TakeTurnsAsync(perRound, counted ? creates : null, async (withAudit, _) =>
                {
                    var task = await (withAudit ? audited : plain).CreateAsync(
                        new NewTask(Function, "{\"n\":1}", 0, future, ["bench-audit-create"]), Caller.System, cancellationToken);
                    if (withAudit) audit.Record(AuditActions.TaskCreate, "task", task.Id, $"Scheduled task {task.Id} ({task.FunctionName}) from the console.");
                }, writer);

                // Ten times as many as the actions: an entry costs a twentieth of an action.
                var entries = await TimeAsync(0, perRound * 10, i =>
                {
                    audit.Record(AuditActions.TaskCancel, "task", $"bench-{round}-{i}", $"Canceled task bench-{round}-{i} ({Function}).");
                    return Task.CompletedTask;
                }, writer);
                if (counted) entriesAlone.Add(entries.Cpu.TotalMicroseconds / entries.Actions);
            }

            var figures = new List<ScenarioFigure> { cancels.Figure("single cancel", output), creates.Figure("console create", output) };
            var entryMicros = Stats.Median(entriesAlone);
            output.WriteLine($"  an entry recorded alone: CPU {entryMicros:0.0} µs (median of the rounds), " +
                             $"{entryMicros / cancels.PlainMicros * 100:0.0}% of a cancel, {entryMicros / creates.PlainMicros * 100:0.0}% of a create");
            var met = figures.All(f => f.Met != false);
            var summary = $"SUMMARY audit: cancel {cancels.CpuOverheadPercent:+0.0;-0.0}% CPU ({cancels.WallOverheadPercent:+0.0;-0.0}% wall), " +
                          $"create {creates.CpuOverheadPercent:+0.0;-0.0}% CPU ({creates.WallOverheadPercent:+0.0;-0.0}% wall); store {store.Name} -> {(met ? "target met" : "target missed")}";
            return new ScenarioResult(Name, figures, summary);
        }
    }

    /// <summary>
    /// Runs <paramref name="perSide"/> actions on each side, the sides taking turns chunk by chunk in ABBA order;
    /// adds each side's chunks to <paramref name="comparison"/> (none while warming up).
    /// </summary>
    private static async Task TakeTurnsAsync(int perSide, Comparison? comparison, Func<bool, int, Task> action, AuditWriter writer)
    {
        for (var chunk = 0; chunk < perSide / Chunk; chunk++)
        {
            foreach (var withAudit in chunk % 2 == 0 ? new[] { false, true } : [true, false])
            {
                var timed = await TimeAsync(chunk * Chunk, Chunk, i => action(withAudit, i), withAudit ? writer : null);
                comparison?.Add(withAudit, timed);
            }
        }
    }

    private static async Task<List<string>> IdsAsync(IServiceProvider services, string tag, CancellationToken cancellationToken)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<TasksDbContext>>().CreateDbContextAsync(cancellationToken);
        return await db.TaskTags.Where(t => t.Tag == tag).Select(t => t.TaskId).ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Runs actions <paramref name="first"/> to <paramref name="first"/> + <paramref name="count"/> - 1 on
    /// <see cref="Workers"/> workers; with a writer, waits until their entries are stored. The process's CPU time comes
    /// from <see cref="Environment.CpuUsage"/>, which is precise to microseconds (the process's counters tick in 10 ms).
    /// </summary>
    private static async Task<Timing> TimeAsync(int first, int count, Func<int, Task> action, AuditWriter? writer)
    {
        var cpuBefore = Environment.CpuUsage.TotalTime;
        var started = Stopwatch.GetTimestamp();
        var next = first - 1;
        var end = first + count;
        await Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < end; i = Interlocked.Increment(ref next)) await action(i);
        })));
        if (writer is not null) await writer.FlushAsync();
        var wall = Stopwatch.GetElapsedTime(started);
        return new Timing(count, wall, Environment.CpuUsage.TotalTime - cpuBefore);
    }

    /// <summary>One timed run of actions: a chunk of one side, or a round of entries recorded alone.</summary>
    private sealed record Timing(int Actions, TimeSpan Wall, TimeSpan Cpu);

    /// <summary>Chunks of one action, with and without the trail; each side's cost is the sum over its chunks.</summary>
    private sealed class Comparison
    {
        private readonly List<Timing> _plain = [];
        private readonly List<Timing> _audited = [];

        public void Add(bool audited, Timing chunk) => (audited ? _audited : _plain).Add(chunk);

        private static double Micros(List<Timing> chunks, Func<Timing, TimeSpan> measure) =>
            chunks.Sum(c => measure(c).TotalMicroseconds) / chunks.Sum(c => c.Actions);

        public double PlainMicros => Micros(_plain, r => r.Cpu);
        private double AuditedMicros => Micros(_audited, r => r.Cpu);

        public double CpuOverheadPercent => (AuditedMicros / PlainMicros - 1) * 100;
        public double WallOverheadPercent => (Micros(_audited, r => r.Wall) / Micros(_plain, r => r.Wall) - 1) * 100;

        /// <summary>The overhead within each tenth of the run: how far one tenth's figure strays from the whole's.</summary>
        private IEnumerable<double> TenthsPercent()
        {
            var size = Math.Max(1, _plain.Count / 10);
            for (var start = 0; start + size <= _plain.Count; start += size)
            {
                yield return (Micros(_audited.GetRange(start, size), r => r.Cpu) / Micros(_plain.GetRange(start, size), r => r.Cpu) - 1) * 100;
            }
        }

        public ScenarioFigure Figure(string what, TextWriter output)
        {
            var line = $"{what}: CPU {PlainMicros:0} µs -> {AuditedMicros:0} µs per action ({CpuOverheadPercent:+0.0;-0.0}%); " +
                       $"wall {Micros(_plain, r => r.Wall):0} µs -> {Micros(_audited, r => r.Wall):0} µs ({WallOverheadPercent:+0.0;-0.0}%)";
            output.WriteLine("  " + line);
            output.WriteLine($"    the same in each tenth of the run, CPU: {string.Join(", ", TenthsPercent().Select(p => Math.Round(p).ToString("+0;-0;0")))}%");
            return new ScenarioFigure($"audit cost on {what}", line, $"<= +{TargetOverheadPercent:0}% CPU", CpuOverheadPercent <= TargetOverheadPercent);
        }
    }
}
