using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using TasksConsole.Bench.Infrastructure;
using Xunit.Abstractions;

namespace TasksConsole.Tests.Webhooks;

/// <summary>
/// The outbox survives a <c>kill -9</c>: the real server (<c>TasksConsole.Web.dll</c>) runs as a child process, commits
/// failures and their deliveries with its sender off (so the kill always falls between commit and send), is killed
/// with SIGKILL, and started again on the same store; every delivery then reaches the receiver.
/// </summary>
public sealed class WebhookCrashTests(ITestOutputHelper output)
{
    private const int Failures = 20;

    [Fact]
    public async Task DeliveriesCommittedBeforeAKill9_AreAllSentAfterTheRestart()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var dataDirectory = Path.Combine(Path.GetTempPath(), "tasksconsole-tests", Guid.NewGuid().ToString("N"));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        string[] settings = ["Webhooks:AllowPrivateNetworks=true", "Execution:NodeId=webhook-crash", "Webhooks:PollInterval=00:00:00.100"];
        try
        {
            var first = await ServerProcess.StartAsync(dataDirectory, TextWriter.Null, timeout.Token, [.. settings, "Webhooks:SenderEnabled=false"]);
            string endpointId;
            await using (first)
            {
                using var api = await ApiClient.SignInAsync(first, timeout.Token);
                var created = await api.Http.PostAsJsonAsync("/admin/v1/webhooks", new { url = receiver.Url }, timeout.Token);
                var body = await created.Content.ReadFromJsonAsync<JsonElement>(timeout.Token);
                Assert.True(created.IsSuccessStatusCode, body.ToString());
                endpointId = body.GetProperty("endpoint").GetProperty("id").GetString()!;
                await receiver.SetSecretAsync(body.GetProperty("secret").GetString()!);

                for (var i = 0; i < Failures; i++)
                {
                    var task = await api.Http.PostAsJsonAsync("/tasks/v1/", new { functionName = "fail", data = new { n = i } }, timeout.Token);
                    Assert.True(task.IsSuccessStatusCode, await task.Content.ReadAsStringAsync(timeout.Token));
                }
                await WaitAsync(async () =>
                {
                    var page = await api.Http.GetFromJsonAsync<JsonElement>($"/admin/v1/webhooks/{endpointId}/deliveries?state=pending", timeout.Token);
                    return page.GetProperty("page").GetProperty("total").GetInt64() == Failures;
                }, $"{Failures} committed deliveries", timeout.Token);

                // SIGKILL: no shutdown hook runs, nothing is flushed.
                Process.GetProcessById(first.ProcessId).Kill();
            }
            Assert.Empty(receiver.Received);

            await using var second = await ServerProcess.StartAsync(dataDirectory, TextWriter.Null, timeout.Token, settings);
            var received = await receiver.WaitForAsync(r => r.Select(d => d.Id).Distinct().Count() >= Failures,
                $"the {Failures} deliveries after the restart", TimeSpan.FromSeconds(120));
            output.WriteLine($"received {received.Count} requests for {received.Select(d => d.Id).Distinct().Count()} deliveries");
            Assert.Equal(Failures, received.Select(r => r.Content.GetProperty("id").GetString()).Distinct().Count());
            Assert.Empty(receiver.Invalid);
            Process.GetProcessById(second.ProcessId).Kill();
        }
        finally
        {
            try
            {
                if (Directory.Exists(dataDirectory)) Directory.Delete(dataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: the OS cleans the temp folder eventually.
            }
        }
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, string what, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(90)) Assert.Fail($"Waited 90 s for {what}.");
            await Task.Delay(100, cancellationToken);
        }
    }
}
