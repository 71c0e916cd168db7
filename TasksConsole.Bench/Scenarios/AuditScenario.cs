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
/// without the audit trail, in alternating rounds so that drift in the machine's speed hits both sides alike. The
/// audited rounds include waiting for their entries to be stored. Cost is the process's CPU time per action (the
/// measure that counts on a busy node), and wall time per action beside it. Target: at most 5% more.
/// </summary>
internal sealed class AuditScenario : IBenchScenario
{
    private const int DefaultPerRound = 4_000;
    private const int Rounds = 8;
    private const int Workers = 4;
    private const double TargetOverheadPercent = 5;
    private const string Function = "bench-audit";

    public string Name => "audit";

    public string Description => "cost of the audit trail on single cancels and console creates, audited vs not, same run; target <= 5% more";

    public async Task<ScenarioResult> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var output = context.Output;
        var perRound = context.Options.N ?? DefaultPerRound;
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
            output.WriteLine($"store: {store.Name}; {Rounds} rounds of {perRound:N0} actions on each side, {Workers} workers");

            var cancels = new Comparison();
            var creates = new Comparison();
            for (var round = 0; round < Rounds; round++)
            {
                // Alternate which side goes first, so neither always runs on a warmer or fuller store.
                foreach (var withAudit in round % 2 == 0 ? new[] { false, true } : [true, false])
                {
                    var tag = $"bench-audit-{round}-{withAudit}";
                    store.SeedDue(perRound, Function, future, tag, cancellationToken);
                    var ids = await IdsAsync(services, tag, cancellationToken);
                    var tasks = withAudit ? audited : plain;
                    cancels.Add(withAudit, await TimeAsync(ids.Count, i => tasks.TryCancelAsync(ids[i], cancellationToken), withAudit ? writer : null));

                    creates.Add(withAudit, await TimeAsync(perRound, async i =>
                    {
                        var task = await tasks.CreateAsync(new NewTask(Function, "{\"n\":1}", 0, future, ["bench-audit-create"]), Caller.System, cancellationToken);
                        if (withAudit) audit.Record(AuditActions.TaskCreate, "task", task.Id, $"Scheduled task {task.Id} ({task.FunctionName}) from the console.");
                    }, withAudit ? writer : null));
                }
            }

            var figures = new List<ScenarioFigure> { cancels.Figure("single cancel", output), creates.Figure("console create", output) };
            var met = figures.All(f => f.Met != false);
            var summary = $"SUMMARY audit: cancel {cancels.CpuOverheadPercent:+0.0;-0.0}% CPU ({cancels.WallOverheadPercent:+0.0;-0.0}% wall), " +
                          $"create {creates.CpuOverheadPercent:+0.0;-0.0}% CPU ({creates.WallOverheadPercent:+0.0;-0.0}% wall); store {store.Name} -> {(met ? "target met" : "target missed")}";
            return new ScenarioResult(Name, figures, summary);
        }
    }

    private static async Task<List<string>> IdsAsync(IServiceProvider services, string tag, CancellationToken cancellationToken)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<TasksDbContext>>().CreateDbContextAsync(cancellationToken);
        return await db.TaskTags.Where(t => t.Tag == tag).Select(t => t.TaskId).ToListAsync(cancellationToken);
    }

    /// <summary>Runs <paramref name="count"/> actions on <see cref="Workers"/> workers; with a writer, waits until their entries are stored.</summary>
    private static async Task<Round> TimeAsync(int count, Func<int, Task> action, AuditWriter? writer)
    {
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpuBefore = process.TotalProcessorTime;
        var started = Stopwatch.GetTimestamp();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next)) await action(i);
        })));
        if (writer is not null) await writer.FlushAsync();
        var wall = Stopwatch.GetElapsedTime(started);
        process.Refresh();
        return new Round(count, wall, process.TotalProcessorTime - cpuBefore);
    }

    private sealed record Round(int Actions, TimeSpan Wall, TimeSpan Cpu);

    /// <summary>Rounds of one action, with and without the trail; each side's cost is its median round.</summary>
    private sealed class Comparison
    {
        private readonly List<Round> _plain = [];
        private readonly List<Round> _audited = [];

        public void Add(bool audited, Round round) => (audited ? _audited : _plain).Add(round);

        private static double MedianMicros(List<Round> rounds, Func<Round, TimeSpan> measure)
        {
            var perAction = rounds.Select(r => measure(r).TotalMicroseconds / r.Actions).Order().ToList();
            return perAction[perAction.Count / 2];
        }

        public double CpuOverheadPercent => Overhead(r => r.Cpu);
        public double WallOverheadPercent => Overhead(r => r.Wall);

        private double Overhead(Func<Round, TimeSpan> measure) =>
            (MedianMicros(_audited, measure) / MedianMicros(_plain, measure) - 1) * 100;

        public ScenarioFigure Figure(string what, TextWriter output)
        {
            var line = $"{what}: CPU {MedianMicros(_plain, r => r.Cpu):0} µs -> {MedianMicros(_audited, r => r.Cpu):0} µs per action " +
                       $"({CpuOverheadPercent:+0.0;-0.0}%); wall {MedianMicros(_plain, r => r.Wall):0} µs -> {MedianMicros(_audited, r => r.Wall):0} µs " +
                       $"({WallOverheadPercent:+0.0;-0.0}%)";
            output.WriteLine("  " + line);
            return new ScenarioFigure($"audit cost on {what}", line, $"<= +{TargetOverheadPercent:0}% CPU", CpuOverheadPercent <= TargetOverheadPercent);
        }
    }
}
