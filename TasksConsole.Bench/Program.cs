namespace TasksConsole.Bench;

/// <summary>In a namespace, unlike the Web project's top-level <c>Program</c>, which the tests also see.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // Let the running scenario unwind so that its server is stopped and its data directory deleted.
            e.Cancel = true;
            cancellation.Cancel();
        };
        return await BenchRunner.RunAsync(args, Console.Out, cancellation.Token);
    }
}
