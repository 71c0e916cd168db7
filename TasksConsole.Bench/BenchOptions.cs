using System.Globalization;
using System.Text;
using Microsoft.Extensions.Configuration;
using TasksConsole.Bench.Scenarios;
using TasksConsole.Core.Execution;

namespace TasksConsole.Bench;

/// <summary>
/// The command line: <c>&lt;scenario|all&gt; [--n N] [--duration S] [--rate R] [--clients C] [--runs R] [--due-share P[,P…]]
/// [--explain] [--set Key=Value]… [--store sqlite|postgres] [--postgres ConnectionString] [--nodes N] [--sample S]</c>.
/// Options left out are null, and each scenario applies its own default.
/// </summary>
internal enum BenchStoreKind
{
    Sqlite,
    Postgres,
}

internal sealed record BenchOptions
{
    public const string All = "all";

    public required string Scenario { get; init; }

    /// <summary>How many tasks to seed.</summary>
    public int? N { get; init; }

    /// <summary>How long a load runs, after its warm-up.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Concurrent clients of a load.</summary>
    public int? Clients { get; init; }

    /// <summary>Timed repetitions of each query (after the warm-ups); for flow, rounds of all its shares.</summary>
    public int? Runs { get; init; }

    /// <summary>Events per second of an open-loop load (lag: tasks starting; live: task changes; flow: creates offered).</summary>
    public double? Rate { get; init; }

    /// <summary>Percentages of created tasks that are due now (flow), each run in turn.</summary>
    public IReadOnlyList<int>? DueShares { get; init; }

    /// <summary>
    /// Configuration handed to every server the scenarios start (<c>Key=Value</c>, as on the server's command line),
    /// so that an engine setting can be tried without editing anything: <c>--set Execution:BatchSize=128</c>.
    /// </summary>
    public IReadOnlyList<string> ServerSettings { get; init; } = [];

    /// <summary>
    /// The engine's settings as the servers run them: the defaults with any <c>--set Execution:…</c> applied, so that
    /// what a scenario prints from them (jobs per claim, the baseline's workers) follows what was tried.
    /// </summary>
    public ExecutionOptions EngineOptions()
    {
        var engine = new ExecutionOptions();
        new ConfigurationBuilder()
            .AddInMemoryCollection(ServerSettings.Select(setting => setting.Split('=', 2))
                .Where(pair => pair.Length == 2)
                .Select(pair => KeyValuePair.Create(pair[0], (string?)pair[1])))
            .Build()
            .GetSection("Execution")
            .Bind(engine);
        return engine;
    }

    /// <summary>Show the query plans of every query, not only of those that miss their target.</summary>
    public bool Explain { get; init; }

    /// <summary>
    /// A PostgreSQL server (a connection string to a database the bench may create databases from): the option, or
    /// else the environment variable <see cref="PostgresVariable"/>.
    /// </summary>
    public string? Postgres { get; init; }

    /// <summary>The store the scenarios' servers run on; PostgreSQL needs <see cref="Postgres"/>.</summary>
    public BenchStoreKind Store { get; init; } = BenchStoreKind.Sqlite;

    /// <summary>App hosts sharing one PostgreSQL store (dispatch); null for the single node of the plain scenario.</summary>
    public int? Nodes { get; init; }

    /// <summary>How often a long run samples the server (soak).</summary>
    public TimeSpan? Sample { get; init; }

    public const string PostgresVariable = "TASKSCONSOLE_BENCH_POSTGRES";

    public static bool TryParse(IReadOnlyList<string> args, out BenchOptions options, out string error)
    {
        options = null!;
        error = "";
        if (args.Count == 0 || args[0].StartsWith('-'))
        {
            error = args.Count == 0 || args[0] is "-h" or "--help" ? "" : $"The first argument must be a scenario or '{All}', not '{args[0]}'.";
            return false;
        }
        var scenario = args[0];
        if (scenario != All && ScenarioRegistry.Find(scenario) is null)
        {
            error = $"Unknown scenario '{scenario}'.";
            return false;
        }

        int? n = null, clients = null, runs = null;
        TimeSpan? duration = null, sample = null;
        double? rate = null;
        IReadOnlyList<int>? dueShares = null;
        var settings = new List<string>();
        var explain = false;
        string? postgres = null;
        int? nodes = null;
        var store = BenchStoreKind.Sqlite;
        for (var i = 1; i < args.Count; i++)
        {
            var name = args[i];
            if (name == "--explain")
            {
                explain = true;
                continue;
            }
            if (i + 1 >= args.Count)
            {
                error = $"Option '{name}' needs a value.";
                return false;
            }
            var value = args[++i];
            switch (name)
            {
                case "--n" when TryPositive(value, 16_000_000, out var parsed):
                    n = parsed;
                    break;
                case "--clients" when TryPositive(value, 4096, out var parsed):
                    clients = parsed;
                    break;
                case "--runs" when TryPositive(value, 100_000, out var parsed):
                    runs = parsed;
                    break;
                case "--duration" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
                                       && seconds is > 0 and <= 24 * 3600:
                    duration = TimeSpan.FromSeconds(seconds);
                    break;
                case "--sample" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var every)
                                     && every is >= 0.5 and <= 600:
                    sample = TimeSpan.FromSeconds(every);
                    break;
                case "--rate" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var perSecond)
                                   && perSecond is > 0 and <= 100_000:
                    rate = perSecond;
                    break;
                case "--due-share" when TryPercentages(value, out var shares):
                    dueShares = shares;
                    break;
                case "--set" when value.IndexOf('=', StringComparison.Ordinal) > 0:
                    settings.Add(value);
                    break;
                case "--postgres" when value.Contains('=', StringComparison.Ordinal):
                    postgres = value;
                    break;
                case "--store" when value is "sqlite" or "postgres":
                    store = value == "postgres" ? BenchStoreKind.Postgres : BenchStoreKind.Sqlite;
                    break;
                case "--nodes" when TryPositive(value, 8, out var parsed):
                    nodes = parsed;
                    break;
                case "--n" or "--clients" or "--runs" or "--duration" or "--rate" or "--due-share" or "--set" or "--postgres" or "--store" or "--nodes" or "--sample":
                    error = $"Option '{name}' has an invalid value '{value}'.";
                    return false;
                default:
                    error = $"Unknown option '{name}'.";
                    return false;
            }
        }
        postgres ??= Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : null;
        if (store == BenchStoreKind.Postgres && postgres is null)
        {
            error = $"--store postgres needs a PostgreSQL server: --postgres \"Host=…;Username=…;Database=postgres\" or {PostgresVariable}.";
            return false;
        }
        if (nodes is > 1 && store != BenchStoreKind.Postgres)
        {
            error = "--nodes above 1 needs --store postgres: several app hosts share one PostgreSQL store, never one SQLite file.";
            return false;
        }
        options = new BenchOptions
        {
            Scenario = scenario, N = n, Duration = duration, Rate = rate, Clients = clients, Runs = runs, DueShares = dueShares, Explain = explain,
            ServerSettings = settings, Postgres = postgres, Store = store, Nodes = nodes, Sample = sample,
        };
        return true;
    }

    public static string Usage()
    {
        var text = new StringBuilder();
        text.AppendLine("Usage: dotnet run -c Release --project TasksConsole.Bench -- <scenario|all> [options]");
        text.AppendLine();
        text.AppendLine("Scenarios:");
        foreach (var scenario in ScenarioRegistry.All) text.AppendLine($"  {scenario.Name,-10} {scenario.Description}");
        text.AppendLine($"  {All,-10} every scenario above, then one table of all figures");
        foreach (var scenario in ScenarioRegistry.OnDemand) text.AppendLine($"  {scenario.Name,-10} {scenario.Description} (not in '{All}')");
        text.AppendLine();
        text.AppendLine("Options:");
        text.AppendLine("  --n N          tasks (list: 1000000; dispatch: 20000, its Hangfire baseline at most 5000; audit: 4000 actions a side per round)");
        text.AppendLine("  --runs R       timed runs per query after 3 warm-ups (list: 30); rounds of all the shares, one after another (flow: 1); rounds (audit: 12)");
        text.AppendLine("  --explain      print the store's plan of every query (list; always done for misses)");
        text.AppendLine("  --duration S   seconds of measured load (create: 20; lag: 60, 30 inside 'all'; live: 20; flow: 15 per share; soak: 1800)");
        text.AppendLine("  --rate R       per second: tasks starting (lag: 20), task changes (live: 200; feed: 500), creates offered (flow: as fast as answered; soak: 300)");
        text.AppendLine("  --clients C    concurrent HTTP clients (create: 32; flow: 32, also the baseline's concurrent Hangfire callers)");
        text.AppendLine("  --due-share P  percent of created tasks due now (no start time), or a list like 0,100 (flow: 0,10,50,100)");
        text.AppendLine("  --set K=V      configuration for the server, repeatable (e.g. --set Execution:BatchSize=128)");
        text.AppendLine("  --store S      sqlite (default) or postgres: the store of every server a scenario starts (list, create, dispatch, lag, live, flow)");
        text.AppendLine($"  --postgres CS  a PostgreSQL server to use, or {PostgresVariable} (feed and --store postgres: each run makes and drops a database of its own)");
        text.AppendLine("  --sample S     seconds between samples of a long run (soak: duration / 12, at most 60)");
        text.AppendLine("  --nodes N      dispatch: N app hosts on one PostgreSQL store, invoking a counting function in the bench (duplicates counted)");
        return text.ToString();
    }

    private static bool TryPercentages(string value, out IReadOnlyList<int> percentages)
    {
        var parsed = new List<int>();
        foreach (var part in value.Split(','))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var percent) || percent > 100)
            {
                percentages = [];
                return false;
            }
            if (!parsed.Contains(percent)) parsed.Add(percent);
        }
        percentages = parsed;
        return true;
    }

    private static bool TryPositive(string value, int max, out int parsed) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out parsed) && parsed > 0 && parsed <= max;
}
