using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using TasksConsole.Tests.Sdk;

namespace TasksConsole.Tests.Webhooks;

/// <summary>One request the receiver accepted as correctly signed.</summary>
public sealed record ReceivedWebhook(string Id, long Timestamp, long ReceivedAt, int Status, JsonElement Payload)
{
    public string Type => Payload.GetProperty("type").GetString()!;
    public JsonElement Content => Payload.GetProperty("content");
}

/// <summary>
/// The webhook receiver of <c>Sdk/client/webhook-receiver.mjs</c> under node, on a real loopback port: it verifies
/// every signature with the <c>standardwebhooks</c> npm package, independently of the server's signer. A missing
/// node or package fails the test with how to install it.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private readonly ConcurrentQueue<string> _invalid = new();
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource<int> _port = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _acks;

    private WebhookReceiver(Process process) => _process = process;

    public int Port { get; private set; }
    public string Url => $"http://127.0.0.1:{Port}/hooks";

    /// <summary>Every accepted request, repeats included (a redelivery has the same id).</summary>
    public IReadOnlyList<ReceivedWebhook> Received => [.. _received];

    /// <summary>Requests whose signature did not verify.</summary>
    public IReadOnlyList<string> Invalid => [.. _invalid];

    public static async Task<WebhookReceiver> StartAsync()
    {
        var client = JavaScriptSdkTests.FindClientDirectory();
        Assert.True(File.Exists(Path.Combine(client, "node_modules", "standardwebhooks", "package.json")),
            $"The standardwebhooks npm package is not installed in {client}. Run `npm ci` there (bash .ci/run does every install).");
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = client,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("webhook-receiver.mjs");
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        }
        catch (System.ComponentModel.Win32Exception error)
        {
            Assert.Fail($"node is not installed or not on PATH ({error.Message}). Install Node.js 18 or later, then `npm ci` in {client}.");
            throw;
        }
        var receiver = new WebhookReceiver(process);
        process.OutputDataReceived += (_, e) => receiver.Read(e.Data);
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) receiver._output.Enqueue("stderr: " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var listening = await Task.WhenAny(receiver._port.Task, Task.Delay(TimeSpan.FromSeconds(60)));
        Assert.True(listening == receiver._port.Task, $"The webhook receiver did not start listening.\n{receiver.Transcript}");
        receiver.Port = await receiver._port.Task;
        return receiver;
    }

    public Task SetSecretAsync(string secret) => CommandAsync($"SECRET {secret}");

    /// <summary>The status valid requests are answered with from now on.</summary>
    public Task AnswerAsync(int status) => CommandAsync($"STATUS {status}");

    /// <summary>Answers 500 to the next <paramref name="count"/> valid requests.</summary>
    public Task FailNextAsync(int count) => CommandAsync($"FAIL {count}");

    /// <summary>
    /// Waits (polling) until the accepted requests meet the condition. The deadline is generous: it includes running
    /// the task that causes the event, while a loaded CI machine starts its servers and job storages.
    /// </summary>
    public async Task<IReadOnlyList<ReceivedWebhook>> WaitForAsync(
        Func<IReadOnlyList<ReceivedWebhook>, bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? TimeSpan.FromSeconds(120);
        while (true)
        {
            var received = Received;
            if (condition(received)) return received;
            if (deadline.Elapsed > limit) Assert.Fail($"Waited {limit.TotalSeconds:0} s for {what}; received {received.Count}.\n{Transcript}");
            await Task.Delay(50);
        }
    }

    public string Transcript => string.Join('\n', _output.TakeLast(60));

    private async Task CommandAsync(string command)
    {
        var before = Volatile.Read(ref _acks);
        await _process.StandardInput.WriteLineAsync(command);
        await _process.StandardInput.FlushAsync();
        var deadline = Stopwatch.StartNew();
        while (Volatile.Read(ref _acks) == before)
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(30)) Assert.Fail($"The receiver did not acknowledge '{command}'.\n{Transcript}");
            await Task.Delay(10);
        }
    }

    private void Read(string? line)
    {
        if (string.IsNullOrWhiteSpace(line)) return;
        _output.Enqueue(line);
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            switch (root.GetProperty("event").GetString())
            {
                case "listening":
                    _port.TrySetResult(root.GetProperty("port").GetInt32());
                    break;
                case "ack":
                    Interlocked.Increment(ref _acks);
                    break;
                case "invalid":
                    _invalid.Enqueue(line);
                    break;
                case "received":
                    _received.Enqueue(new ReceivedWebhook(root.GetProperty("id").GetString()!, root.GetProperty("timestamp").GetInt64(),
                        root.GetProperty("receivedAt").GetInt64(), root.GetProperty("status").GetInt32(), root.GetProperty("payload").Clone()));
                    break;
            }
        }
        catch (JsonException)
        {
            // Not one of the receiver's lines; kept in the transcript.
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException or IOException)
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
    }
}
