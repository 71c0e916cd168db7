using System.Text.Json;

namespace TasksConsole.Core.Execution.Lambda;

/// <summary>Which Lambda function to call: a name, <c>name:alias</c>, a partial or a full ARN, and an optional qualifier.</summary>
public sealed record LambdaTarget(string FunctionName, string? Qualifier = null);

public sealed record LambdaInvocation(
    LambdaTarget Target,
    byte[] Payload,
    TimeSpan Timeout,
    LambdaInvocationType InvocationType = LambdaInvocationType.RequestResponse,
    bool TailLog = true);

public enum LambdaInvocationType
{
    RequestResponse,
    Event,
    DryRun,
}

/// <summary>A 2xx answer from Invoke. A function that threw still answers 200, with <see cref="FunctionError"/> set.</summary>
public sealed record LambdaInvokeResult(
    int StatusCode,
    string? FunctionError,
    string? LogTail,
    string? ExecutedVersion,
    string? RequestId,
    byte[] Payload)
{
    public bool IsFunctionError => FunctionError is not null;

    /// <summary>The runtime's error payload, read tolerantly (Node uses <c>trace</c>, other runtimes <c>stackTrace</c>).</summary>
    public LambdaFunctionError ParseFunctionError()
    {
        try
        {
            using var document = JsonDocument.Parse(Payload);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                var type = root.TryGetProperty("errorType", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                var message = root.TryGetProperty("errorMessage", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                var trace = ReadTrace(root, "trace") ?? ReadTrace(root, "stackTrace") ?? [];
                return new LambdaFunctionError(type ?? FunctionError ?? "Error", message ?? "The function failed without a message.", trace);
            }
        }
        catch (JsonException)
        {
            // Not JSON: fall through and report the raw text.
        }
        return new LambdaFunctionError(FunctionError ?? "Error", System.Text.Encoding.UTF8.GetString(Payload), []);
    }

    private static IReadOnlyList<string>? ReadTrace(JsonElement root, string name) =>
        root.TryGetProperty(name, out var trace) && trace.ValueKind == JsonValueKind.Array
            ? trace.EnumerateArray().Select(line => line.ValueKind == JsonValueKind.String ? line.GetString()! : line.GetRawText()).ToList()
            : null;
}

public sealed record LambdaFunctionError(string ErrorType, string ErrorMessage, IReadOnlyList<string> Trace);

/// <summary>
/// Invoke itself failed (the function did not run, or we cannot know): an AWS service error with its code, or a
/// transport failure. <see cref="MayHaveRun"/> is true when the request may have reached the function.
/// </summary>
public sealed class LambdaServiceException(
    int statusCode,
    string errorCode,
    string message,
    string? requestId = null,
    TimeSpan? retryAfter = null,
    bool mayHaveRun = false,
    Exception? inner = null) : Exception(message, inner)
{
    public int StatusCode { get; } = statusCode;
    public string ErrorCode { get; } = errorCode;
    public string? RequestId { get; } = requestId;
    public TimeSpan? RetryAfter { get; } = retryAfter;
    public bool MayHaveRun { get; } = mayHaveRun;

    /// <summary>Throttling and service faults: Lambda did not run the function, so calling again is safe.</summary>
    public bool IsRetryable => StatusCode is 429 or >= 500 and not 0;
}

public interface ILambdaInvoker
{
    Task<LambdaInvokeResult> InvokeAsync(LambdaInvocation invocation, CancellationToken cancellationToken = default);
}
