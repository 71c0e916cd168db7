using TasksConsole.Bench.Infrastructure;

namespace TasksConsole.Bench.Scenarios;

/// <summary>
/// One measured aspect of the service. A scenario owns its data directory and server process, prints its own
/// figures while it runs, and returns them with exactly one summary line.
/// </summary>
internal interface IBenchScenario
{
    /// <summary>The command-line name, e.g. <c>list</c>.</summary>
    string Name { get; }

    /// <summary>One line for the usage text: what is measured and the target.</summary>
    string Description { get; }

    Task<ScenarioResult> RunAsync(BenchContext context, CancellationToken cancellationToken);
}

/// <summary>What a scenario gets from the runner.</summary>
internal sealed record BenchContext(BenchOptions Options, TextWriter Output);

/// <summary>One row of the results table. <see cref="Met"/> is null for figures that have no target.</summary>
internal sealed record ScenarioFigure(string Measure, string Value, string Target = "", bool? Met = null);

internal sealed record ScenarioResult(string Scenario, IReadOnlyList<ScenarioFigure> Figures, string Summary)
{
    public bool TargetsMet => Figures.All(f => f.Met != false);

    public static string Verdict(bool? met) => met switch { true => "met", false => "missed", null => "" };

    /// <summary>The figures as a markdown table (the same layout as the final table of <c>all</c>).</summary>
    public static MarkdownTable Table(IEnumerable<ScenarioResult> results)
    {
        var table = new MarkdownTable("Scenario", "Measure", "Value", "Target", "Result");
        foreach (var result in results)
        {
            foreach (var figure in result.Figures)
            {
                table.Add(result.Scenario, figure.Measure, figure.Value, figure.Target, Verdict(figure.Met));
            }
        }
        return table;
    }
}
