using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace TasksConsole.Bench.Infrastructure;

/// <summary>
/// The real server (<c>dotnet TasksConsole.Web.dll</c>) in its own process, on a free loopback port, over a
/// given data directory. A separate process keeps the bench's own allocations and threads out of the figures and
/// makes the server's peak working set readable from <c>/proc</c>.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    public const string AdminEmail = "admin@localhost";
    private const int KeptOutputLines = 40;

    private readonly Process process;
    private readonly Queue<string> output = new();
    private readonly IDisposable cleanup;

    private ServerProcess(Process process, Uri baseAddress, string adminPassword)
    {
        this.process = process;
        BaseAddress = baseAddress;
        AdminPassword = adminPassword;
        cleanup = CleanupRegistry.Register(Kill);
    }

    public Uri BaseAddress { get; }
    public string AdminPassword { get; }
    public int ProcessId => process.Id;

    /// <param name="settings">Extra configuration (<c>Key=Value</c>), passed after the bench's own so that it wins.</param>
    public static async Task<ServerProcess> StartAsync(
        string dataDirectory, TextWriter log, CancellationToken cancellationToken, IReadOnlyList<string>? settings = null)
    {
        var webDll = WebHostLocator.Find();
        var port = FreeLoopbackPort();
        var baseAddress = new Uri($"http://127.0.0.1:{port}");
        var adminPassword = "Bench-" + Guid.NewGuid().ToString("N");

        var start = new ProcessStartInfo(WebHostLocator.DotnetHost())
        {
            WorkingDirectory = Path.GetDirectoryName(webDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     webDll,
                     "--urls", baseAddress.ToString().TrimEnd('/'),
                     $"--Storage:DataDirectory={dataDirectory}",
                     $"--Auth:BootstrapAdmin:Email={AdminEmail}",
                     $"--Auth:BootstrapAdmin:Password={adminPassword}",
                     // Long enough that no token expires during a run, so no request pays for a refresh.
                     "--Auth:AccessTokenLifetime=01:00:00",
                     "--Logging:LogLevel:Default=Warning",
                 })
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var setting in settings ?? []) start.ArgumentList.Add("--" + setting);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment.Remove("ASPNETCORE_URLS");
        start.Environment.Remove("ASPNETCORE_HTTP_PORTS");

        var process = Process.Start(start) ?? throw new InvalidOperationException("The server process did not start.");
        var server = new ServerProcess(process, baseAddress, adminPassword);
        process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitUntilAnsweringAsync(TimeSpan.FromSeconds(90), cancellationToken);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        log.WriteLine($"server: pid {process.Id} at {baseAddress} ({webDll})");
        if (settings is { Count: > 0 }) log.WriteLine($"server settings: {string.Join(' ', settings)}");
        return server;
    }

    /// <summary>The process's peak resident set so far (VmHWM), in bytes; null where /proc is not available.</summary>
    public long? PeakWorkingSetBytes() => ReadStatusKilobytes("VmHWM") * 1024;

    /// <summary>The process's resident set now (VmRSS), in bytes; null where /proc is not available.</summary>
    public long? WorkingSetBytes() => ReadStatusKilobytes("VmRSS") * 1024;

    /// <summary>
    /// The anonymous part of the resident set (RssAnon: the managed heap, native allocations, stacks), in bytes; null
    /// where /proc is not available. Unlike the file-backed part (mapped store files the kernel can drop at will), it
    /// only comes back when the process frees it, so this is where a leak shows.
    /// </summary>
    public long? AnonymousResidentBytes() => ReadStatusKilobytes("RssAnon") * 1024;

    /// <summary>
    /// The process's open file descriptors (sockets, files, pipes, epoll and event handles: Linux's handle count), from
    /// <c>/proc/&lt;pid&gt;/fd</c>; null where /proc is not available.
    /// </summary>
    public int? HandleCount()
    {
        try
        {
            var path = $"/proc/{process.Id}/fd";
            return Directory.Exists(path) ? Directory.EnumerateFileSystemEntries(path).Count() : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static string Mib(long? bytes) => bytes is { } b ? $"{b / 1048576.0:N0} MiB" : "n/a (no /proc)";

    /// <summary>The process's thread count: a thread pool that keeps growing under load means threads are being blocked.</summary>
    public long? ThreadCount() => ReadStatusValue("Threads");

    /// <summary>
    /// CPU time the server has used so far (user + system, from /proc/&lt;pid&gt;/stat); null where /proc is not
    /// available. Divided by the work done in between, it tells whether a load was bound by CPU.
    /// </summary>
    public TimeSpan? CpuTime()
    {
        var path = $"/proc/{process.Id}/stat";
        try
        {
            if (!File.Exists(path)) return null;
            var stat = File.ReadAllText(path);
            // Fields after the command name (which may hold spaces, so it is skipped by its closing parenthesis):
            // state is field 3, utime and stime are fields 14 and 15, in clock ticks of 1/100 s on Linux.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return TimeSpan.FromMilliseconds(ticks * 10);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Throws when the server has gone: figures measured against a dead server are errors, not results.</summary>
    public void EnsureRunning()
    {
        if (!process.HasExited) return;
        throw new InvalidOperationException(
            $"The server exited with code {process.ExitCode} during the run. Its last output:{Environment.NewLine}{RecentOutput()}");
    }

    /// <summary>The last lines the server wrote, for error messages.</summary>
    public string RecentOutput()
    {
        lock (output) return string.Join(Environment.NewLine, output);
    }

    public async ValueTask DisposeAsync()
    {
        cleanup.Dispose();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // It was killed; a process that lingers past that is the operating system's business.
        }
        process.Dispose();
    }

    private void Kill()
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        lock (output)
        {
            output.Enqueue(line);
            while (output.Count > KeptOutputLines) output.Dequeue();
        }
    }

    private async Task WaitUntilAnsweringAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw new InvalidOperationException(
                    $"The server exited with code {process.ExitCode} before answering. Its last output:{Environment.NewLine}{RecentOutput()}");
            }
            try
            {
                // Any answer will do (401 without a token): it means the app is built, migrated and listening.
                using var response = await http.GetAsync("/tasks/v1/", cancellationToken);
                return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }
            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException(
                    $"The server did not answer within {timeout.TotalSeconds:0} s. Its last output:{Environment.NewLine}{RecentOutput()}");
            }
            await Task.Delay(100, cancellationToken);
        }
    }

    private long? ReadStatusKilobytes(string key) => ReadStatusValue(key);

    /// <summary>A number from /proc/&lt;pid&gt;/status (sizes there are in kB).</summary>
    private long? ReadStatusValue(string key)
    {
        var path = $"/proc/{process.Id}/status";
        if (!File.Exists(path)) return null;
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                if (!line.StartsWith(key + ":", StringComparison.Ordinal)) continue;
                var digits = line[(key.Length + 1)..].Trim().Split(' ')[0];
                return long.Parse(digits, CultureInfo.InvariantCulture);
            }
        }
        catch (IOException)
        {
            // The process ended between the check and the read.
        }
        return null;
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
