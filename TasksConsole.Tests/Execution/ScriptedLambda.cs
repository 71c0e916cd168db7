using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using TasksConsole.Core.Execution.Lambda;

namespace TasksConsole.Tests.Execution;

/// <summary>A unit-level stand-in for Lambda: each call runs the script and is remembered with its task id.</summary>
public sealed class ScriptedLambda : ILambdaInvoker
{
    private int _running;
    private int _maxRunning;

    public Func<InvokedTask, CancellationToken, Task<LambdaInvokeResult>> Script { get; set; } = (_, _) => Task.FromResult(Ok("{}"));

    public ConcurrentQueue<InvokedTask> Calls { get; } = new();

    public int MaxConcurrent => Volatile.Read(ref _maxRunning);

    public async Task<LambdaInvokeResult> InvokeAsync(LambdaInvocation invocation, CancellationToken cancellationToken = default)
    {
        using var document = JsonDocument.Parse(invocation.Payload);
        var root = document.RootElement;
        var call = new InvokedTask(
            root.GetProperty("id").GetString()!,
            root.GetProperty("functionName").GetString()!,
            root.GetProperty("priority").GetInt64(),
            root.TryGetProperty("retryForTaskIds", out var chain) ? chain.GetArrayLength() : 0,
            invocation.Target,
            invocation.Timeout,
            DateTimeOffset.UtcNow);
        Calls.Enqueue(call);
        var running = Interlocked.Increment(ref _running);
        int seen;
        while (running > (seen = Volatile.Read(ref _maxRunning)) && Interlocked.CompareExchange(ref _maxRunning, running, seen) != seen)
        {
        }
        try
        {
            return await Script(call, cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    public int CallsFor(string taskId) => Calls.Count(c => c.TaskId == taskId);

    public static LambdaInvokeResult Ok(string payload, string? log = null) =>
        new(200, null, log, "$LATEST", "req-1", Encoding.UTF8.GetBytes(payload));

    public static LambdaInvokeResult Error(string type, string message) =>
        new(200, "Unhandled", "2026-01-01T00:00:00.000Z\treq-1\tERROR\tboom\n", "$LATEST", "req-1",
            Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { errorType = type, errorMessage = message, trace = new[] { "at x" } })));
}

public sealed record InvokedTask(string TaskId, string FunctionName, long Priority, int Attempt, LambdaTarget Target, TimeSpan Timeout, DateTimeOffset At);
