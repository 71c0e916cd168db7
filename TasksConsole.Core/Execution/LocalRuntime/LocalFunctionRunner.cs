using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TasksConsole.Core.Execution.LocalRuntime;

/// <summary>
/// One finished local invocation, shaped for the Invoke answer: the payload, <c>Unhandled</c> when the function failed
/// (its payload then is <c>{errorType, errorMessage, trace}</c>), and the full log.
/// </summary>
public sealed record LocalInvocationOutcome(byte[] Payload, string? FunctionError, string Log)
{
    /// <summary>Lambda's tail: the last 4 KB of the log, as bytes (it may cut a character, as Lambda's does).</summary>
    public const int TailBytes = 4096;

    public string LogTailBase64()
    {
        var bytes = Encoding.UTF8.GetBytes(Log);
        return bytes.Length <= TailBytes
            ? Convert.ToBase64String(bytes)
            : Convert.ToBase64String(bytes, bytes.Length - TailBytes, TailBytes);
    }
}

/// <summary>
/// Runs local functions the way Lambda runs a handler: with the function's own time limit (answering
/// <c>Sandbox.Timedout</c> when it passes, whether or not the handler notices), errors turned into payloads, and the
/// START/END/REPORT log around it. Pure logic, no HTTP.
/// </summary>
public sealed class LocalFunctionRunner
{
    public const string ExecutedVersion = "$LATEST";

    private static readonly double TicksToMilliseconds = 1000.0 / Stopwatch.Frequency;

    private readonly Dictionary<string, LocalFunction> _functions;
    private readonly TimeProvider _timeProvider;

    public LocalFunctionRunner(IEnumerable<LocalFunction> functions, TimeProvider timeProvider)
    {
        _functions = functions.ToDictionary(f => f.Name, StringComparer.Ordinal);
        _timeProvider = timeProvider;
    }

    public IReadOnlyCollection<LocalFunction> Functions => _functions.Values;

    /// <summary>Lambda function names are case-sensitive.</summary>
    public LocalFunction? Find(string name) => _functions.GetValueOrDefault(name);

    /// <summary>Runs <paramref name="function"/>; takes ownership of <paramref name="event"/> and disposes it when the handler is done.</summary>
    public async Task<LocalInvocationOutcome> RunAsync(LocalFunction function, JsonDocument @event, string requestId, CancellationToken cancellationToken)
    {
        var log = new LocalFunctionLog(requestId, _timeProvider);
        log.Raw($"START RequestId: {requestId} Version: {ExecutedVersion}\n");
        var started = Stopwatch.GetTimestamp();
        var deadline = _timeProvider.GetUtcNow() + function.TimeLimit;

        // Cancelled at the time limit too, so a handler that honours its token stops instead of running on unseen.
        var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var run = RunHandlerAsync(function, new LocalFunctionContext(requestId, @event.RootElement, deadline, log), @event, limit.Token);

        (byte[] Payload, string? Error) result;
        var timedOut = false;
        if (run.IsCompleted)
        {
            result = run.Result;
            limit.Dispose();
        }
        else
        {
            try
            {
                result = await run.WaitAsync(function.TimeLimit, _timeProvider, cancellationToken);
                limit.Dispose();
            }
            catch (TimeoutException)
            {
                timedOut = true;
                await limit.CancelAsync();
                DisposeWhenDone(run, limit);
                var seconds = function.TimeLimit.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture);
                var message = $"{requestId} Task timed out after {seconds} seconds";
                log.Raw($"{log.Timestamp()} {message}\n");
                result = (ErrorPayload("Sandbox.Timedout", message, null), "Unhandled");
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                DisposeWhenDone(run, limit);
                result = (RuntimeExited(requestId), "Unhandled");
            }
        }
        if (result.Error is not null && cancellationToken.IsCancellationRequested && !timedOut)
        {
            // Cancelled from outside (the runtime is stopping): Lambda reports a sandbox that died mid-invocation like this.
            result = (RuntimeExited(requestId), "Unhandled");
        }

        var milliseconds = (Stopwatch.GetTimestamp() - started) * TicksToMilliseconds;
        var duration = milliseconds.ToString("0.00", CultureInfo.InvariantCulture);
        var billed = Math.Max(1, (long)Math.Ceiling(milliseconds)).ToString(CultureInfo.InvariantCulture);
        log.Raw($"END RequestId: {requestId}\n");
        log.Raw($"REPORT RequestId: {requestId}\tDuration: {duration} ms\tBilled Duration: {billed} ms\tMemory Size: 128 MB\t{(timedOut ? "Status: timeout\t" : "")}\n");
        return new LocalInvocationOutcome(result.Payload, result.Error, log.ToString());
    }

    private static byte[] RuntimeExited(string requestId) =>
        ErrorPayload("Runtime.ExitError", $"RequestId: {requestId} Error: Runtime exited: the local runtime is shutting down", null);

    private static void DisposeWhenDone(Task run, CancellationTokenSource source) =>
        run.ContinueWith(static (_, state) => ((IDisposable)state!).Dispose(), source, CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    private static async Task<(byte[] Payload, string? Error)> RunHandlerAsync(
        LocalFunction function, LocalFunctionContext context, JsonDocument @event, CancellationToken cancellationToken)
    {
        try
        {
            var value = await function.Handler(context, cancellationToken);
            return (value is null ? "null"u8.ToArray() : JsonSerializer.SerializeToUtf8Bytes(value), null);
        }
        catch (Exception ex)
        {
            var errorType = ex is LocalFunctionException named ? named.ErrorType : ex.GetType().Name;
            var payload = ErrorPayload(errorType, ex.Message, Trace(function, errorType, ex));
            // What the Node runtime prints for an uncaught error, so the tail shows why the task failed.
            context.LogError("Invoke Error \t" + Encoding.UTF8.GetString(payload));
            return (payload, "Unhandled");
        }
        finally
        {
            @event.Dispose();
        }
    }

    private static string[] Trace(LocalFunction function, string errorType, Exception ex)
    {
        var frames = ex is LocalFunctionException
            ? [$"    at {function.Name} (local-runtime)"]
            : (ex.StackTrace ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(f => "    " + f);
        return [$"{errorType}: {ex.Message}", .. frames];
    }

    /// <summary>The Node runtime's error shape; <paramref name="trace"/> is left out when there is none (timeouts).</summary>
    public static byte[] ErrorPayload(string errorType, string errorMessage, IReadOnlyList<string>? trace)
    {
        var error = new JsonObject { ["errorType"] = errorType, ["errorMessage"] = errorMessage };
        if (trace is not null) error["trace"] = new JsonArray(trace.Select(line => (JsonNode?)JsonValue.Create(line)).ToArray());
        return JsonSerializer.SerializeToUtf8Bytes(error);
    }
}
