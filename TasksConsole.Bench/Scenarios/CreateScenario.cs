using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using TasksConsole.Bench.Infrastructure;
using TasksConsole.Core.Data;
using TasksConsole.Core.Tasks;

namespace TasksConsole.Bench.Scenarios;

/// <summary>
/// Create throughput through <c>POST /tasks/v1/</c> under concurrent clients; target 2,000 creates/s with p99 at
/// most 50 ms. Reference runs split the cost: the same load on a GET that writes nothing (HTTP, auth, routing,
/// a small read and JSON, without the insert), on a request refused for want of a token (the HTTP floor of this
/// machine), and the insert path alone, in-process through <see cref="TaskService.CreateAsync"/> (EF and SQLite
/// without HTTP).
/// </summary>
internal sealed class CreateScenario : IBenchScenario
{
    private const int DefaultClients = 32;
    private static readonly TimeSpan DefaultDuration = TimeSpan.FromSeconds(20);
    private const double TargetPerSecond = 2_000;
    private const double TargetP99Ms = 50;
    private const string BaselinePath = "/tasks/v1/?limit(1)&skipCount()";
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    public string Name => "create";

    public string Description => "POST /tasks/v1/ from --clients clients for --duration s; target >= 2,000/s, p99 <= 50 ms";

    public async Task<ScenarioResult> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var output = context.Output;
        var clients = context.Options.Clients ?? DefaultClients;
        var duration = context.Options.Duration ?? DefaultDuration;
        // Long enough for tiered JIT to reach its optimized code in both processes on a busy two-core machine.
        var warmUp = TimeSpan.FromSeconds(Math.Clamp(duration.TotalSeconds / 4, 0.2, 5));
        // Far enough ahead that nothing created here becomes due and gets dispatched while the load runs.
        var start = DateTimeOffset.UtcNow.AddDays(7);

        using var data = TempDirectory.Create("create");
        LoadResult creates, baseline, floor;
        long? peak;
        await using (var store = await BenchStore.CreateAsync(context.Options, data.Combine("server"), "create", cancellationToken))
        await using (var server = await store.StartServerAsync(context, cancellationToken))
        {
            output.WriteLine($"store: {store.Name}");
            using var api = await ApiClient.SignInAsync(server, cancellationToken);
            output.WriteLine($"{clients} clients, {warmUp.TotalSeconds:0.#} s warm-up + {duration.TotalSeconds:0.#} s measured per run");

            creates = await LoadGenerator.RunAsync(clients, warmUp, duration, async (client, sequence, ct) =>
            {
                using var content = new ByteArrayContent(CreateBody(client, sequence, start));
                content.Headers.ContentType = Json;
                using var response = await api.Http.PostAsync("/tasks/v1/", content, ct);
                await response.Content.LoadIntoBufferAsync(ct);
                return response.IsSuccessStatusCode;
            }, cancellationToken);
            server.EnsureRunning();
            Print(output, "POST /tasks/v1/", creates);
            var threads = server.ThreadCount();
            output.WriteLine($"  server threads after the create load: {threads?.ToString(CultureInfo.InvariantCulture) ?? "n/a"}");

            baseline = await LoadGenerator.RunAsync(clients, warmUp, duration, async (_, _, ct) =>
            {
                using var response = await api.Http.GetAsync(BaselinePath, HttpCompletionOption.ResponseContentRead, ct);
                return response.IsSuccessStatusCode;
            }, cancellationToken);
            server.EnsureRunning();
            Print(output, $"GET {BaselinePath} (baseline, no write)", baseline);

            // No token, so the permission filter answers 401 before the handler runs: no RQL, no EF, no database.
            // What this machine manages here bounds every other figure, the load generator's own cost included.
            using var anonymous = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue }) { BaseAddress = server.BaseAddress };
            floor = await LoadGenerator.RunAsync(clients, warmUp, duration, async (_, _, ct) =>
            {
                using var response = await anonymous.GetAsync("/tasks/v1/", HttpCompletionOption.ResponseContentRead, ct);
                return response.StatusCode == HttpStatusCode.Unauthorized;
            }, cancellationToken);
            server.EnsureRunning();
            Print(output, "GET /tasks/v1/ without a token (401: HTTP floor)", floor);

            peak = server.PeakWorkingSetBytes();
            output.WriteLine($"server peak working set (VmHWM): {ServerProcess.Mib(peak)}");
        }

        // After the server has stopped, so that the two do not share the cores.
        await using var inProcessStore = await BenchStore.CreateAsync(context.Options, data.Combine("in-process"), "createinproc", cancellationToken);
        var storage = await StorageOnlyAsync(inProcessStore, clients, warmUp, duration, start, cancellationToken);
        Print(output, "TaskService.CreateAsync in-process (storage only)", storage);

        var ratio = creates.PerSecond / baseline.PerSecond;
        output.WriteLine($"creates/s over baseline req/s: {ratio:0.00}; REST p50 minus in-process p50: " +
                         $"{creates.Latency.P50 - storage.Latency.P50:0.0} ms per create for HTTP, auth, JSON and queueing at this concurrency");

        var rateMet = creates.PerSecond >= TargetPerSecond;
        var p99Met = creates.Latency.P99 <= TargetP99Ms && creates.Errors == 0;
        var figures = new List<ScenarioFigure>
        {
            new("creates/s", $"{creates.PerSecond:N0} ({clients} clients, {creates.Errors} errors)", $">= {TargetPerSecond:N0}/s", rateMet),
            new("create latency", Latencies(creates.Latency), $"p99 <= {TargetP99Ms:0} ms, no errors", p99Met),
            new("baseline GET (no write) req/s", $"{baseline.PerSecond:N0}; {Latencies(baseline.Latency)}; creates at {ratio:0.00}x"),
            new("HTTP floor (401, no token) req/s", $"{floor.PerSecond:N0}; {Latencies(floor.Latency)}"),
            new("in-process CreateAsync/s", $"{storage.PerSecond:N0}; {Latencies(storage.Latency)}"),
            new("server peak working set", ServerProcess.Mib(peak)),
        };
        var verdict = rateMet && p99Met ? "target met" : "target missed";
        var summary = $"SUMMARY create: {creates.PerSecond:N0} creates/s, p50 {LatencyStats.Ms(creates.Latency.P50)}, " +
                      $"p99 {LatencyStats.Ms(creates.Latency.P99)}, {creates.Errors} errors ({clients} clients); " +
                      $"baseline GET {baseline.PerSecond:N0}/s; HTTP floor {floor.PerSecond:N0}/s; storage alone {storage.PerSecond:N0}/s; server peak {ServerProcess.Mib(peak)}; store {context.Options.Store} -> {verdict}";
        return new ScenarioResult(Name, figures, summary);
    }

    private static async Task<LoadResult> StorageOnlyAsync(
        BenchStore store, int clients, TimeSpan warmUp, TimeSpan duration, DateTimeOffset start, CancellationToken cancellationToken)
    {
        var services = store.BuildServices(core => core.AddTasksCore());
        await using (services)
        {
            await services.MigrateTasksStoreAsync(cancellationToken);
            var tasks = services.GetRequiredService<TaskService>();
            var caller = new Caller("be4c0f5eed0000000000a001", null);
            return await LoadGenerator.RunAsync(clients, warmUp, duration, async (client, sequence, ct) =>
            {
                var input = new NewTask(
                    "bench-create", $"{{\"orderId\":{sequence},\"client\":{client}}}", sequence % 5, start,
                    ["bench", $"client-{client}", $"batch-{sequence % 10}"]);
                await tasks.CreateAsync(input, caller, ct);
                return true;
            }, cancellationToken);
        }
    }

    private static byte[] CreateBody(int client, long sequence, DateTimeOffset start) => Encoding.UTF8.GetBytes(
        $"{{\"functionName\":\"bench-create\",\"data\":{{\"orderId\":{sequence},\"client\":{client}}},\"priority\":{sequence % 5}," +
        $"\"startTimestamp\":\"{RqlValues.Iso(start)}\",\"tags\":[\"bench\",\"client-{client}\",\"batch-{sequence % 10}\"]}}");

    private static string Latencies(LatencyStats stats) =>
        $"p50 {LatencyStats.Ms(stats.P50)}, p95 {LatencyStats.Ms(stats.P95)}, p99 {LatencyStats.Ms(stats.P99)}";

    private static void Print(TextWriter output, string what, LoadResult result)
    {
        output.WriteLine($"  {what}: {result.PerSecond:N0}/s ({result.Completed:N0} in {result.Window.TotalSeconds:0.#} s), " +
                         $"{Latencies(result.Latency)}, max {LatencyStats.Ms(result.Latency.Max)}; {result.Errors} errors");
        foreach (var sample in result.ErrorSamples) output.WriteLine($"      e.g. {sample}");
    }
}
