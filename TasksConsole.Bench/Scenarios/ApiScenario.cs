using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using TasksConsole.Bench.Infrastructure;

namespace TasksConsole.Bench.Scenarios;

/// <summary>
/// API function round trips on the built-in local runtime (<c>api-demo</c>, <c>GET /hello/{n}</c>) sent open-loop at
/// <c>--rate</c> per second. Each call's overhead is its round trip at the client minus the function's own time, which
/// the runtime's REPORT line states in the request's logs; the two are paired by the call's path. Targets: overhead
/// p50 at most 3 ms and p99 at most 15 ms at 200 requests/s.
/// </summary>
internal sealed partial class ApiScenario : IBenchScenario
{
    private const double DefaultRate = 200;
    private static readonly TimeSpan DefaultDuration = TimeSpan.FromSeconds(15);
    private const double TargetP50Ms = 3;
    private const double TargetP99Ms = 15;
    private const int WarmUpCalls = 400;

    /// <summary>Logs are read for this many calls (spread over the run): enough for a p99, few enough to read quickly.</summary>
    private const int SampledCalls = 1_000;

    public string Name => "api";

    public string Description => "API function round trip at --rate/s (default 200) over --duration s; overhead over the function's own time p50 <= 3 ms, p99 <= 15 ms";

    [GeneratedRegex(@"REPORT RequestId: \S+\tDuration: ([0-9.]+) ms")]
    private static partial Regex ReportDuration();

    public async Task<ScenarioResult> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var output = context.Output;
        var rate = context.Options.Rate ?? DefaultRate;
        var duration = context.Options.Duration ?? DefaultDuration;
        var count = Math.Max(1, (int)Math.Round(rate * duration.TotalSeconds));

        using var data = TempDirectory.Create("api");
        await using var server = await ServerProcess.StartAsync(data.Combine("server"), output, cancellationToken, context.Options.ServerSettings);
        using var api = await ApiClient.SignInAsync(server, cancellationToken);

        for (var i = 0; i < WarmUpCalls; i++)
        {
            using var response = await api.Http.GetAsync($"/tasks/v1/api/api-demo/hello/warm-{i}", cancellationToken);
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"Warm-up call answered {(int)response.StatusCode}.");
        }
        output.WriteLine($"{count:N0} calls at {rate:0.#}/s over {duration.TotalSeconds:0} s, open loop, after {WarmUpCalls} warm-up calls");

        var roundTrips = new ConcurrentDictionary<string, double>(StringComparer.Ordinal);
        var (errors, achievedRate) = await OpenLoopAsync(count, rate, async (i, ct) =>
        {
            var path = $"/hello/{i}";
            var started = Stopwatch.GetTimestamp();
            using var response = await api.Http.GetAsync("/tasks/v1/api/api-demo" + path, HttpCompletionOption.ResponseContentRead, ct);
            if (!response.IsSuccessStatusCode) return false;
            roundTrips[path] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            return true;
        }, cancellationToken);
        server.EnsureRunning();

        // The same rate on a request refused for want of a token (no function, no store): this machine's HTTP floor
        // right now, which says how much of the round trip is the load others put on the cores.
        var floorTimes = new ConcurrentBag<double>();
        using var anonymous = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue }) { BaseAddress = server.BaseAddress };
        await OpenLoopAsync(count, rate, async (_, ct) =>
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await anonymous.GetAsync("/tasks/v1/apiRequests", HttpCompletionOption.ResponseContentRead, ct);
            floorTimes.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return response.StatusCode == System.Net.HttpStatusCode.Unauthorized;
        }, cancellationToken);
        var floor = new LatencyStats(floorTimes);

        // Every call is recorded; read the records (id and path), then the logs of a spread-out sample.
        var records = await ReadRecordsAsync(api, count, cancellationToken);
        var step = Math.Max(1, records.Count / SampledCalls);
        var overheads = new List<double>();
        var functionTimes = new List<double>();
        for (var i = 0; i < records.Count; i += step)
        {
            var (id, path) = records[i];
            if (!roundTrips.TryGetValue(path, out var roundTrip)) continue;
            var (_, body) = await api.GetAsync($"/tasks/v1/apiRequests/{id}/logs", cancellationToken);
            using var logs = JsonDocument.Parse(body);
            foreach (var line in logs.RootElement.GetProperty("data").EnumerateArray())
            {
                var match = ReportDuration().Match(line.GetProperty("message").GetString() ?? "");
                if (!match.Success) continue;
                var ownTime = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
                functionTimes.Add(ownTime);
                overheads.Add(roundTrip - ownTime);
            }
        }

        var all = new LatencyStats(roundTrips.Values);
        var overhead = new LatencyStats(overheads);
        var own = new LatencyStats(functionTimes);
        output.WriteLine($"round trip (all {all.Count:N0} answered calls): {all}");
        output.WriteLine($"function's own time ({own.Count:N0} sampled calls): {own}");
        output.WriteLine($"overhead (round trip minus own time, same calls): {overhead}");
        output.WriteLine($"achieved send rate {achievedRate:0.#}/s, {errors} errors, {records.Count:N0} calls recorded");
        output.WriteLine($"HTTP floor at the same rate (401 without a token): {floor}");

        var p50Met = overhead.P50 <= TargetP50Ms && errors == 0;
        var p99Met = overhead.P99 <= TargetP99Ms && errors == 0;
        var figures = new List<ScenarioFigure>
        {
            new("overhead p50", $"{LatencyStats.Ms(overhead.P50)} ({overhead.Count:N0} sampled of {count:N0} calls at {rate:0.#}/s, {errors} errors)",
                $"<= {TargetP50Ms:0} ms", p50Met),
            new("overhead p99", LatencyStats.Ms(overhead.P99), $"<= {TargetP99Ms:0} ms", p99Met),
            new("round trip", $"p50 {LatencyStats.Ms(all.P50)}, p99 {LatencyStats.Ms(all.P99)}, max {LatencyStats.Ms(all.Max)}"),
            new("function's own time", $"p50 {LatencyStats.Ms(own.P50)}, p99 {LatencyStats.Ms(own.P99)}"),
            new("HTTP floor (401) at the same rate", $"p50 {LatencyStats.Ms(floor.P50)}, p99 {LatencyStats.Ms(floor.P99)}"),
        };
        var summary = $"SUMMARY api: {count:N0} calls at {rate:0.#}/s, overhead p50 {LatencyStats.Ms(overhead.P50)}, p99 {LatencyStats.Ms(overhead.P99)}; " +
                      $"round trip p50 {LatencyStats.Ms(all.P50)}, p99 {LatencyStats.Ms(all.P99)}; HTTP floor p50 {LatencyStats.Ms(floor.P50)}, " +
                      $"p99 {LatencyStats.Ms(floor.P99)}; {errors} errors -> {(p50Met && p99Met ? "target met" : "target missed")}";
        return new ScenarioResult(Name, figures, summary);
    }

    /// <summary>
    /// Starts call i at i/rate seconds whether or not earlier calls have answered (open loop, as independent clients
    /// would), and waits for all. Returns the calls that failed and the send rate achieved.
    /// </summary>
    private static async Task<(int Errors, double Rate)> OpenLoopAsync(
        int count, double rate, Func<int, CancellationToken, Task<bool>> call, CancellationToken cancellationToken)
    {
        var errors = 0;
        var clock = Stopwatch.StartNew();
        var calls = new List<Task>(count);
        for (var i = 0; i < count; i++)
        {
            var wait = TimeSpan.FromSeconds(i / rate) - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait, cancellationToken);
            var index = i;
            calls.Add(Task.Run(async () =>
            {
                try
                {
                    if (!await call(index, cancellationToken)) Interlocked.Increment(ref errors);
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref errors);
                }
            }, cancellationToken));
        }
        await Task.WhenAll(calls);
        return (errors, count / clock.Elapsed.TotalSeconds);
    }

    /// <summary>The id and path of every recorded call of the run (waiting for the last ones to be written).</summary>
    private static async Task<List<(string Id, string Path)>> ReadRecordsAsync(ApiClient api, int expected, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var records = new List<(string, string)>();
            for (var offset = 0; ; offset += 50)
            {
                var (_, body) = await api.GetAsync($"/tasks/v1/apiRequests?eq(functionName,api-demo)&sort(+timestamp)&limit(50,{offset})&skipCount()", cancellationToken);
                using var page = JsonDocument.Parse(body);
                var data = page.RootElement.GetProperty("data");
                foreach (var record in data.EnumerateArray())
                {
                    var path = record.GetProperty("path").GetString()!;
                    if (!path.StartsWith("/hello/warm-", StringComparison.Ordinal)) records.Add((record.GetProperty("id").GetString()!, path));
                }
                if (data.GetArrayLength() < 50) break;
            }
            if (records.Count >= expected || deadline.Elapsed > TimeSpan.FromSeconds(30)) return records;
            await Task.Delay(200, cancellationToken);
        }
    }
}
