using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using TasksConsole.Bench.Infrastructure;

namespace TasksConsole.Tests.ScaleOut;

/// <summary>
/// One node as an operator runs it: <c>dotnet TasksConsole.Web.dll</c> in a child process, configured through
/// environment variables, on a free loopback port. Killed (SIGKILL, as <c>kill -9</c>) when disposed, and when the
/// test process exits, so no node outlives its test.
/// </summary>
public sealed class AppNodeProcess : IAsyncDisposable
{
    private const int KeptOutputLines = 60;
    private readonly Process _process;
    private readonly Queue<string> _output = new();
    private readonly EventHandler _killOnExit;

    private AppNodeProcess(Process process, string nodeId, Uri baseAddress, string dataDirectory)
    {
        _process = process;
        NodeId = nodeId;
        BaseAddress = baseAddress;
        DataDirectory = dataDirectory;
        _killOnExit = (_, _) => Kill();
        AppDomain.CurrentDomain.ProcessExit += _killOnExit;
    }

    public string NodeId { get; }
    public Uri BaseAddress { get; }
    public string DataDirectory { get; }
    public bool HasExited => _process.HasExited;

    /// <summary>Starts a node with <paramref name="settings"/> (configuration keys, e.g. <c>Execution:NodeId</c>) and waits until it is ready.</summary>
    public static async Task<AppNodeProcess> StartAsync(string nodeId, IReadOnlyDictionary<string, string?> settings)
    {
        var port = FreeLoopbackPort();
        var baseAddress = new Uri($"http://127.0.0.1:{port}/");
        var dataDirectory = Path.Combine(Path.GetTempPath(), "tasksconsole-scaleout", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDirectory);
        var start = WebAppStartInfo();
        // Development: the static web assets (blazor.web.js, MudBlazor's files) are served from the build output.
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_URLS"] = baseAddress.ToString().TrimEnd('/');
        start.Environment.Remove("ASPNETCORE_HTTP_PORTS");
        var all = new Dictionary<string, string?>
        {
            ["Execution:NodeId"] = nodeId,
            ["Storage:DataDirectory"] = dataDirectory,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings) all[key] = value;
        foreach (var (key, value) in all) start.Environment[key.Replace(":", "__")] = value;

        var process = Process.Start(start) ?? throw new InvalidOperationException("The node process did not start.");
        var node = new AppNodeProcess(process, nodeId, baseAddress, dataDirectory);
        process.OutputDataReceived += (_, e) => node.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => node.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await node.WaitUntilReadyAsync(TimeSpan.FromSeconds(120));
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
        return node;
    }

    /// <summary><c>dotnet TasksConsole.Web.dll</c> with <paramref name="args"/>, its output redirected, from the Web project's build output.</summary>
    public static ProcessStartInfo WebAppStartInfo(params string[] args)
    {
        var webDll = WebHostLocator.Find();
        var start = new ProcessStartInfo(WebHostLocator.DotnetHost())
        {
            WorkingDirectory = Path.GetDirectoryName(webDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(webDll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        return start;
    }

    public HttpClient CreateHttpClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>SIGKILL, as <c>kill -9</c>: no shutdown code runs, whatever the node held stays as it was.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <summary>The last lines the node wrote, for failure messages.</summary>
    public string RecentOutput()
    {
        lock (_output) return string.Join(Environment.NewLine, _output);
    }

    public async ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= _killOnExit;
        Kill();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                // Killed; the operating system reaps it.
            }
        }
        _process.Dispose();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the temp folder is cleaned eventually.
        }
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        lock (_output)
        {
            _output.Enqueue(line);
            while (_output.Count > KeptOutputLines) _output.Dequeue();
        }
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException(
                    $"Node {NodeId} exited with code {_process.ExitCode} before it was ready. Its last output:{Environment.NewLine}{RecentOutput()}");
            }
            try
            {
                using var response = await http.GetAsync("health/ready");
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException(
                    $"Node {NodeId} was not ready within {timeout.TotalSeconds:0} s. Its last output:{Environment.NewLine}{RecentOutput()}");
            }
            await Task.Delay(200);
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
