using System.ComponentModel;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TasksConsole.Tests.Execution;

/// <summary>
/// serverless-offline (serverless 3.40.0, serverless-offline 13.10.1), a third-party Lambda emulator, running
/// <c>Execution/emulator/serverless.yml</c> as a child process on free ports. It serves the Lambda Invoke API on
/// <see cref="LambdaEndpoint"/> and names the functions <c>tc-test-&lt;name&gt;</c> (<see cref="FullName"/>).
/// A missing node or emulator install fails the tests that use it rather than skipping them.
/// </summary>
public sealed class ServerlessOfflineFixture : IAsyncLifetime
{
    public const string EmulatorFolder = "TasksConsole.Tests/Execution/emulator";

    /// <summary><c>service</c> and <c>provider.stage</c> in serverless.yml: the prefix of every function's name.</summary>
    public const string Service = "tc";
    public const string Stage = "test";

    private const string InstallHint = "run `npm ci` in " + EmulatorFolder + " (.ci/run does it)";
    private const string ListeningLine = "Offline [http for lambda] listening on";

    /// <summary>Start-up to an open port took 8 to 14 s on a loaded 2-core box; the rest is room for a busier one.</summary>
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Process? _process;

    /// <summary>Where the emulator serves Invoke: the value for <c>Lambda:ServiceUrl</c>.</summary>
    public Uri LambdaEndpoint { get; private set; } = null!;

    /// <summary>How long the emulator took from process start to an open Invoke port.</summary>
    public TimeSpan StartDuration { get; private set; }

    /// <summary>The deployed name of a function in serverless.yml, e.g. <c>tc-test-hello</c>.</summary>
    public static string FullName(string function) => $"{Service}-{Stage}-{function}";

    /// <summary>Everything the emulator printed so far (stdout and stderr interleaved): put it in failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    public async Task InitializeAsync()
    {
        var folder = FindEmulatorFolder();
        var serverless = Path.Combine(folder, "node_modules", ".bin", "serverless");
        if (!File.Exists(serverless))
        {
            throw new InvalidOperationException($"The Lambda emulator is not installed ({serverless} is missing): {InstallHint}.");
        }

        var (lambdaPort, httpPort) = FreePorts();
        LambdaEndpoint = new Uri($"http://127.0.0.1:{lambdaPort}/");

        // Run the CLI script with node explicitly: a missing node then shows up here, and the script's shebang and
        // execute bit do not matter.
        var startInfo = new ProcessStartInfo("node")
        {
            WorkingDirectory = folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in new[]
                 {
                     serverless, "offline", "start",
                     "--host", "127.0.0.1",
                     "--lambdaPort", lambdaPort.ToString(),
                     "--httpPort", httpPort.ToString(),
                     "--noSponsor",
                 })
        {
            startInfo.ArgumentList.Add(argument);
        }
        // Fully offline and quiet: no telemetry, no notifications or update checks, no deprecation banners.
        startInfo.Environment["SLS_TELEMETRY_DISABLED"] = "1";
        startInfo.Environment["SLS_TRACKING_DISABLED"] = "1";
        startInfo.Environment["SLS_NOTIFICATIONS_MODE"] = "off";
        startInfo.Environment["SLS_DISABLE_AUTO_UPDATE"] = "1";
        startInfo.Environment["SLS_DEPRECATION_DISABLE"] = "*";
        startInfo.Environment["FORCE_COLOR"] = "0";
        startInfo.Environment["NO_COLOR"] = "1";

        var stopwatch = Stopwatch.StartNew();
        try
        {
            _process = Process.Start(startInfo) ?? throw new InvalidOperationException("node did not start.");
        }
        catch (Win32Exception error)
        {
            throw new InvalidOperationException(
                $"node is not installed or not on PATH ({error.Message}); install Node.js 20 or later, then {InstallHint}.", error);
        }
        _process.OutputDataReceived += (_, line) => Capture(line.Data);
        _process.ErrorDataReceived += (_, line) => Capture(line.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        try
        {
            await WaitUntilListeningAsync(lambdaPort);
        }
        catch
        {
            // xunit does not dispose a fixture whose initialisation failed: do not leave the emulator behind.
            await DisposeAsync();
            throw;
        }
        StartDuration = stopwatch.Elapsed;
        Capture($"[fixture] Invoke port {lambdaPort} open after {StartDuration.TotalSeconds:0.0} s");
    }

    /// <summary>Polls the port, woken early by the "listening" line; the process ending first is a failure.</summary>
    private async Task WaitUntilListeningAsync(int port)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (!await CanConnectAsync(port))
        {
            if (_process!.HasExited)
            {
                // Let the output readers drain, so that the message shows why.
                await _process.WaitForExitAsync();
                throw new InvalidOperationException(
                    $"serverless-offline exited with code {_process.ExitCode} before it listened on port {port}. " +
                    $"If modules are missing: {InstallHint}.\n{Output}");
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException(
                    $"serverless-offline did not listen on port {port} within {StartTimeout.TotalSeconds:0} s.\n{Output}");
            }
            await (_listening.Task.IsCompleted ? Task.Delay(50) : Task.WhenAny(_listening.Task, Task.Delay(250)));
        }
    }

    private static async Task<bool> CanConnectAsync(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await socket.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    private void Capture(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
        if (line.Contains(ListeningLine, StringComparison.Ordinal)) _listening.TrySetResult();
    }

    /// <summary>
    /// Two distinct free ports, held together while both are chosen so the OS cannot hand out the same one twice.
    /// Another process could still take one before the emulator binds it; that is rare and shows as a start failure.
    /// </summary>
    private static (int Lambda, int Http) FreePorts()
    {
        var first = new TcpListener(IPAddress.Loopback, 0);
        var second = new TcpListener(IPAddress.Loopback, 0);
        first.Start();
        second.Start();
        try
        {
            return (((IPEndPoint)first.LocalEndpoint).Port, ((IPEndPoint)second.LocalEndpoint).Port);
        }
        finally
        {
            first.Stop();
            second.Stop();
        }
    }

    private static string FindEmulatorFolder()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "TasksConsole.sln")))
            {
                return Path.Combine(directory.FullName, EmulatorFolder);
            }
        }
        throw new InvalidOperationException($"Could not find TasksConsole.sln above {AppContext.BaseDirectory}, so {EmulatorFolder} cannot be located.");
    }

    public async Task DisposeAsync()
    {
        if (_process is null) return;
        using (_process)
        {
            try
            {
                if (!_process.HasExited)
                {
                    _process.Kill(entireProcessTree: true);
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                    await _process.WaitForExitAsync(timeout.Token);
                }
            }
            catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException or Win32Exception)
            {
                // Already gone, or not reaped in time: nothing more a test can do about it.
            }
        }
    }
}
