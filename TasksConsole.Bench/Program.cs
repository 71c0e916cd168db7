using System.Runtime.InteropServices;

namespace TasksConsole.Bench;

/// <summary>In a namespace, unlike the Web project's top-level <c>Program</c>, which the tests also see.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        using var cancellation = new CancellationTokenSource();
        // Ctrl+C and SIGTERM both let the running scenario unwind, so that its server process is stopped and its
        // data directory deleted; left to the runtime, SIGTERM ends the process without running that clean-up.
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            cancellation.Cancel();
        }
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        return await BenchRunner.RunAsync(args, Console.Out, cancellation.Token);
    }
}
