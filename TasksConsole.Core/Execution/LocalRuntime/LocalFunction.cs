using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TasksConsole.Core.Execution.LocalRuntime;

/// <summary>The body of a local function: the event in, a JSON result out (null answers <c>null</c>), or an exception.</summary>
public delegate ValueTask<JsonNode?> LocalFunctionHandler(LocalFunctionContext context, CancellationToken cancellationToken);

/// <summary>
/// A function the local runtime serves. <see cref="TimeLimit"/> is enforced like Lambda's own timeout; the
/// <paramref name="RetryRecommended"/> hint is for whoever registers the function with a retry policy, and
/// <paramref name="PermissionMode"/> (null: the registry's default) says who may call it as an API function.
/// </summary>
public sealed record LocalFunction(
    string Name, string Description, TimeSpan TimeLimit, bool RetryRecommended, LocalFunctionHandler Handler, string? PermissionMode = null);

/// <summary>Thrown by a local function to fail with a chosen error type, like a Node <c>Error</c> with a custom name.</summary>
public sealed class LocalFunctionException(string errorType, string message) : Exception(message)
{
    public string ErrorType { get; } = errorType;
}

/// <summary>What a running local function sees: its event, request id, deadline and Lambda-style log.</summary>
public sealed class LocalFunctionContext
{
    private readonly LocalFunctionLog _log;

    internal LocalFunctionContext(string requestId, JsonElement @event, DateTimeOffset deadline, LocalFunctionLog log)
    {
        RequestId = requestId;
        Event = @event;
        Deadline = deadline;
        _log = log;
    }

    public string RequestId { get; }

    /// <summary>The invocation payload; for TasksConsole this is the task object (id, functionName, data, ...).</summary>
    public JsonElement Event { get; }

    public DateTimeOffset Deadline { get; }

    /// <summary>The event's <c>data</c> object, when there is one.</summary>
    public JsonElement? Data =>
        Event.ValueKind == JsonValueKind.Object && Event.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object
            ? data
            : null;

    /// <summary>Writes <c>&lt;iso&gt;\t&lt;requestId&gt;\tINFO\t&lt;message&gt;</c>, the Node runtime's console.log format.</summary>
    public void Log(string message) => _log.Line("INFO", message);

    internal void LogError(string message) => _log.Line("ERROR", message);

    public string? DataString(string name) =>
        Data is { } data && data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public double? DataNumber(string name) =>
        Data is { } data && data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number)
            ? number
            : null;
}

/// <summary>One invocation's log, in CloudWatch's shape (START, the function's lines, END, REPORT).</summary>
internal sealed class LocalFunctionLog(string requestId, TimeProvider timeProvider)
{
    private readonly StringBuilder _text = new(256);

    public void Raw(string text)
    {
        lock (_text) _text.Append(text);
    }

    public string Timestamp() => timeProvider.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public void Line(string level, string message)
    {
        var timestamp = Timestamp();
        lock (_text) _text.Append(timestamp).Append('\t').Append(requestId).Append('\t').Append(level).Append('\t').Append(message).Append('\n');
    }

    public override string ToString()
    {
        lock (_text) return _text.ToString();
    }
}
