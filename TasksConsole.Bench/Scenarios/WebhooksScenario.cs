using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using TasksConsole.Bench.Infrastructure;

namespace TasksConsole.Bench.Scenarios;

/// <summary>
/// Webhooks: 1,000 tasks on the failing demo function, one endpoint subscribed to task_failed on a receiver in this
/// process that checks every signature (its own HMAC, not the server's signer). Latency = receipt minus the
/// delivery's creation time, which the outcome writer stamps in the failure's transaction. Targets: p95 at most
/// 500 ms, every failure delivered, none twice. The measured failures follow a warm-up round on a fresh server (the
/// engine's and the sender's first calls, the receiver's first connections), which is reported on its own: on a
/// cold start the tasks created while the engine warms up fail in one burst.
/// </summary>
internal sealed class WebhooksScenario : IBenchScenario
{
    private const int Failures = 1000;
    private const int WarmUpFailures = 200;
    private const double TargetP95Ms = 500;
    private const string Tag = "bench-webhooks";
    private const string FailingFunction = "fail";

    public string Name => "webhooks";

    public string Description => $"{Failures:N0} task failures -> signed task_failed deliveries to a local receiver; p95 commit -> receipt <= 500 ms, 0 lost, 0 duplicates";

    public async Task<ScenarioResult> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var output = context.Output;
        using var data = TempDirectory.Create("webhooks");
        using var receiver = new SigningReceiver();
        var settings = new List<string> { "Webhooks:AllowPrivateNetworks=true" };
        settings.AddRange(context.Options.ServerSettings);
        Dictionary<string, long> created;
        await using (var server = await ServerProcess.StartAsync(data.Combine("server"), output, cancellationToken, settings))
        {
            using var api = await ApiClient.SignInAsync(server, cancellationToken);
            var response = await api.Http.PostAsJsonAsync("/admin/v1/webhooks", new { url = receiver.Url, eventTypes = new[] { "task_failed" } }, cancellationToken);
            var endpoint = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"Registering the receiver failed: {endpoint}");
            receiver.Secret = endpoint.GetProperty("secret").GetString()!;
            var endpointId = endpoint.GetProperty("endpoint").GetProperty("id").GetString()!;

            await api.CreateTasksAsync(Enumerable.Range(0, WarmUpFailures).Select(i => ApiClient.TaskBody(FailingFunction, Tag + "-warm-up", i)), 8, cancellationToken);
            await WaitForAsync(server, receiver, WarmUpFailures, cancellationToken);
            receiver.EndWarmUp();
            output.WriteLine($"warm-up: {receiver.WarmUpReceipts.Count:N0} of {WarmUpFailures} deliveries received");

            var clock = Stopwatch.StartNew();
            await api.CreateTasksAsync(Enumerable.Range(0, Failures).Select(i => ApiClient.TaskBody(FailingFunction, Tag, i)), 8, cancellationToken);
            output.WriteLine($"created {Failures:N0} tasks on '{FailingFunction}' in {clock.Elapsed.TotalSeconds:0.0} s");
            await WaitForAsync(server, receiver, Failures, cancellationToken);
            output.WriteLine($"received {receiver.Distinct:N0} deliveries ({receiver.Requests:N0} requests, {receiver.BadSignatures} bad signatures) " +
                             $"{clock.Elapsed.TotalSeconds:0.0} s after the first create");
            created = await CreationTimesAsync(api, endpointId, cancellationToken);
        }

        var latencies = Latencies(receiver.FirstReceipt, created);
        var coldStart = Latencies(receiver.WarmUpReceipts, created);
        output.WriteLine($"warm-up round on the fresh server: commit -> receipt p50 {LatencyStats.Ms(coldStart.P50)}, p95 {LatencyStats.Ms(coldStart.P95)}, " +
                         $"max {LatencyStats.Ms(coldStart.Max)}");
        var lost = Failures - receiver.Distinct;
        var duplicates = receiver.Requests - receiver.Distinct;
        var met = latencies.P95 <= TargetP95Ms && lost == 0 && duplicates == 0 && receiver.BadSignatures == 0;
        output.WriteLine($"failure commit -> receipt over {latencies.Count:N0} deliveries: p50 {LatencyStats.Ms(latencies.P50)}, " +
                         $"p95 {LatencyStats.Ms(latencies.P95)}, p99 {LatencyStats.Ms(latencies.P99)}, max {LatencyStats.Ms(latencies.Max)}");
        var figures = new List<ScenarioFigure>
        {
            new("failure commit -> receipt p95", $"{LatencyStats.Ms(latencies.P95)} (p50 {LatencyStats.Ms(latencies.P50)}, p99 {LatencyStats.Ms(latencies.P99)})",
                $"<= {TargetP95Ms:0} ms", latencies.P95 <= TargetP95Ms),
            new("lost / duplicates / bad signatures", $"{lost} / {duplicates} / {receiver.BadSignatures} of {Failures:N0}", "0 / 0 / 0",
                lost == 0 && duplicates == 0 && receiver.BadSignatures == 0),
            new($"cold start: the first {WarmUpFailures} failures on a fresh server, p95",
                $"{LatencyStats.Ms(coldStart.P95)} (p50 {LatencyStats.Ms(coldStart.P50)}, max {LatencyStats.Ms(coldStart.Max)})", "", null),
        };
        var summary = $"SUMMARY webhooks: {receiver.Distinct:N0} of {Failures:N0} failures delivered, {duplicates} duplicates, " +
                      $"{receiver.BadSignatures} bad signatures; commit -> receipt p50 {LatencyStats.Ms(latencies.P50)}, p95 {LatencyStats.Ms(latencies.P95)} " +
                      $"-> {(met ? "target met" : "target missed")}";
        return new ScenarioResult(Name, figures, summary);
    }

    private static LatencyStats Latencies(IReadOnlyDictionary<string, long> receipts, Dictionary<string, long> created) =>
        new(receipts.Where(r => created.ContainsKey(r.Key)).Select(r => (double)(r.Value - created[r.Key])));

    private static async Task WaitForAsync(ServerProcess server, SigningReceiver receiver, int count, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (receiver.Distinct < count && deadline.Elapsed < TimeSpan.FromMinutes(3))
        {
            server.EnsureRunning();
            await Task.Delay(100, cancellationToken);
        }
        // Whatever arrives after the last one would be a duplicate: give it time to show.
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
    }

    /// <summary>Each delivery's creation time (the failure's commit), read through the admin API.</summary>
    private static async Task<Dictionary<string, long>> CreationTimesAsync(ApiClient api, string endpointId, CancellationToken cancellationToken)
    {
        var created = new Dictionary<string, long>();
        for (var offset = 0; ; offset += 100)
        {
            var page = await api.Http.GetFromJsonAsync<JsonElement>($"/admin/v1/webhooks/{endpointId}/deliveries?offset={offset}&limit=100", cancellationToken);
            var items = page.GetProperty("data").EnumerateArray().ToList();
            foreach (var item in items)
            {
                created[item.GetProperty("id").GetString()!] = item.GetProperty("creationTimestamp").GetDateTimeOffset().ToUnixTimeMilliseconds();
            }
            if (items.Count < 100) return created;
        }
    }

    /// <summary>An HTTP receiver on a loopback port that checks the Standard Webhooks signature of every request.</summary>
    private sealed class SigningReceiver : IDisposable
    {
        private readonly HttpListener _listener = new();
        private ConcurrentDictionary<string, long> _firstReceipt = new();
        private int _requests;
        private int _badSignatures;

        public SigningReceiver()
        {
            var port = FreePort();
            Url = $"http://127.0.0.1:{port}/hooks/";
            _listener.Prefixes.Add(Url);
            _listener.Start();
            _ = Task.Run(AcceptAsync);
        }

        public string Url { get; }
        public string Secret { get; set; } = "";
        public int Requests => Volatile.Read(ref _requests);
        public int BadSignatures => Volatile.Read(ref _badSignatures);
        public int Distinct => _firstReceipt.Count;
        public IReadOnlyDictionary<string, long> FirstReceipt => _firstReceipt;
        public IReadOnlyDictionary<string, long> WarmUpReceipts { get; private set; } = new Dictionary<string, long>();

        /// <summary>Sets the warm-up's receipts aside; what arrives from now on is measured (a repeat of one counts as a duplicate).</summary>
        public void EndWarmUp()
        {
            WarmUpReceipts = Interlocked.Exchange(ref _firstReceipt, new ConcurrentDictionary<string, long>());
            Interlocked.Exchange(ref _requests, 0);
        }

        private async Task AcceptAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }
                _ = Task.Run(() => Handle(context));
            }
        }

        private void Handle(HttpListenerContext context)
        {
            var receivedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = reader.ReadToEnd();
            var id = context.Request.Headers["webhook-id"] ?? "";
            var timestamp = context.Request.Headers["webhook-timestamp"] ?? "";
            var signatures = (context.Request.Headers["webhook-signature"] ?? "").Split(' ');
            var key = Convert.FromBase64String(Secret["whsec_".Length..]);
            var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}")));
            if (!signatures.Contains(expected))
            {
                Interlocked.Increment(ref _badSignatures);
                context.Response.StatusCode = 401;
            }
            else
            {
                Interlocked.Increment(ref _requests);
                // A warm-up delivery sent again counts as a request, not as a measured delivery: a duplicate.
                if (!WarmUpReceipts.ContainsKey(id)) _firstReceipt.TryAdd(id, receivedAt);
                context.Response.StatusCode = 204;
            }
            context.Response.Close();
        }

        private static int FreePort()
        {
            using var socket = new TcpListener(IPAddress.Loopback, 0);
            socket.Start();
            return ((IPEndPoint)socket.LocalEndpoint).Port;
        }

        public void Dispose() => _listener.Close();
    }
}
