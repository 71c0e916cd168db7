using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using TasksConsole.Bench.Scenarios;

namespace TasksConsole.Bench;

/// <summary>The bench's entry point, shared by <c>Program</c> and the smoke tests.</summary>
public static class BenchRunner
{
    /// <summary>
    /// Runs the scenario named by <paramref name="args"/> (or all of them) and writes figures, one
    /// <c>SUMMARY &lt;scenario&gt;: …</c> line per scenario and, for <c>all</c>, a final markdown table.
    /// </summary>
    /// <returns>0 when every scenario ran (targets met or not), 1 when one failed, 2 on a usage error, 130 when cancelled.</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken = default)
    {
        output = TextWriter.Synchronized(output);
        if (!BenchOptions.TryParse(args, out var options, out var error))
        {
            if (error.Length > 0) output.WriteLine(error);
            output.Write(BenchOptions.Usage());
            return 2;
        }

        var configuration = typeof(BenchRunner).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration;
        output.WriteLine($"TasksConsole bench, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; {Environment.ProcessorCount} cores, " +
                         $"{RuntimeInformation.OSDescription}, .NET {Environment.Version}, {configuration} build");
        if (configuration != "Release") output.WriteLine("warning: not a Release build; figures will be pessimistic (use -c Release)");

        var scenarios = options.Scenario == BenchOptions.All ? ScenarioRegistry.All : [ScenarioRegistry.Find(options.Scenario)!];
        var context = new BenchContext(options, output);
        var results = new List<ScenarioResult>();
        var failed = false;
        foreach (var scenario in scenarios)
        {
            output.WriteLine();
            output.WriteLine($"== {scenario.Name}: {scenario.Description}");
            var clock = Stopwatch.StartNew();
            try
            {
                var result = await scenario.RunAsync(context, cancellationToken);
                results.Add(result);
                output.WriteLine(result.Summary);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                output.WriteLine($"SUMMARY {scenario.Name}: cancelled after {clock.Elapsed.TotalSeconds:0} s");
                return 130;
            }
            catch (Exception ex)
            {
                failed = true;
                output.WriteLine($"SUMMARY {scenario.Name}: FAILED after {clock.Elapsed.TotalSeconds:0} s: {ex.GetType().Name}: {ex.Message}");
                output.WriteLine(ex.ToString());
            }
        }

        if (options.Scenario == BenchOptions.All)
        {
            output.WriteLine();
            output.WriteLine($"Results ({DateTime.UtcNow:yyyy-MM-dd}, {Environment.ProcessorCount} cores):");
            output.WriteLine();
            output.Write(ScenarioResult.Table(results).ToString());
        }
        return failed ? 1 : 0;
    }
}
