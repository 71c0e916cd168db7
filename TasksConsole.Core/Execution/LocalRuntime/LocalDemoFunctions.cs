using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TasksConsole.Core.Execution.LocalRuntime;

/// <summary>
/// The functions the built-in runtime serves, so a fresh <c>dotnet run</c> shows tasks completing, failing, retrying
/// and timing out. Each one receives the task object as its event and reads its settings from the task's <c>data</c>.
/// The functions registry registers <see cref="All"/> at first run (name, description, time limit, retry hint).
/// </summary>
public static class LocalDemoFunctions
{
    public const string Echo = "echo";
    public const string Sleep = "sleep";
    public const string Fail = "fail";
    public const string Flaky = "flaky";
    public const string Timeout = "timeout";
    public const string Noop = "noop";
    public const string ApiDemo = ApiDemoFunction.Name;

    public static readonly TimeSpan DefaultTimeLimit = TimeSpan.FromSeconds(30);

    public static IReadOnlyList<LocalFunction> All { get; } =
    [
        new(Echo, "Returns the task's data as {\"echo\": data}.", DefaultTimeLimit, false, EchoAsync),
        new(Sleep, "Sleeps data.ms milliseconds (default 1000), then returns {\"slept\": ms}.", DefaultTimeLimit, false, SleepAsync),
        new(Fail, "Always fails, with error type data.errorName (default DemoFailure) and message data.message.", DefaultTimeLimit, false, FailAsync),
        new(Flaky, "Fails with FlakyFailure on the first data.failTimes attempts (default 2), counted from retryForTaskIds, then succeeds.",
            DefaultTimeLimit, true, FlakyAsync),
        new(Timeout, "Sleeps past its 3 s time limit, so the runtime answers Sandbox.Timedout.", TimeSpan.FromSeconds(3), false, TimeoutAsync),
        new(Noop, "Returns {} at once; for benchmarks.", DefaultTimeLimit, false, NoopAsync),
        new(ApiDemo, ApiDemoFunction.Description, DefaultTimeLimit, false, ApiDemoFunction.HandleAsync, ApiDemoFunction.PermissionMode),
    ];

    private static ValueTask<JsonNode?> EchoAsync(LocalFunctionContext context, CancellationToken cancellationToken)
    {
        var data = context.Event.ValueKind == JsonValueKind.Object && context.Event.TryGetProperty("data", out var value) ? value : (JsonElement?)null;
        context.Log($"echo: {(data is { } d ? Shorten(d.GetRawText()) : "no data")}");
        return ValueTask.FromResult<JsonNode?>(new JsonObject { ["echo"] = data is { } element ? JsonNode.Parse(element.GetRawText()) : null });
    }

    private static async ValueTask<JsonNode?> SleepAsync(LocalFunctionContext context, CancellationToken cancellationToken)
    {
        var ms = Math.Max(0, (long)(context.DataNumber("ms") ?? 1000));
        context.Log($"sleeping {ms} ms");
        await Task.Delay(TimeSpan.FromMilliseconds(ms), cancellationToken);
        context.Log("awake");
        return new JsonObject { ["slept"] = ms };
    }

    private static ValueTask<JsonNode?> FailAsync(LocalFunctionContext context, CancellationToken cancellationToken)
    {
        var errorName = context.DataString("errorName") is { Length: > 0 } name ? name : "DemoFailure";
        var message = context.DataString("message") ?? "The demo function failed on purpose.";
        context.Log($"about to fail with {errorName}");
        throw new LocalFunctionException(errorName, message);
    }

    /// <summary>Attempt n is the task plus the n-1 tasks it retries, so the chain length counts the earlier failures.</summary>
    private static ValueTask<JsonNode?> FlakyAsync(LocalFunctionContext context, CancellationToken cancellationToken)
    {
        var failTimes = Math.Max(0, (int)(context.DataNumber("failTimes") ?? 2));
        var earlier = context.Event.ValueKind == JsonValueKind.Object
                      && context.Event.TryGetProperty("retryForTaskIds", out var chain) && chain.ValueKind == JsonValueKind.Array
            ? chain.GetArrayLength()
            : 0;
        var attempt = earlier + 1;
        context.Log($"attempt {attempt}; failing the first {failTimes}");
        if (attempt <= failTimes)
        {
            throw new LocalFunctionException("FlakyFailure",
                string.Create(CultureInfo.InvariantCulture, $"Attempt {attempt} failed; this function fails {failTimes} time(s) before it succeeds."));
        }
        return ValueTask.FromResult<JsonNode?>(new JsonObject { ["attempt"] = attempt, ["succeeded"] = true });
    }

    private static async ValueTask<JsonNode?> TimeoutAsync(LocalFunctionContext context, CancellationToken cancellationToken)
    {
        context.Log("sleeping past the time limit");
        // Well past the deadline; the runtime's limit cancels the token first.
        await Task.Delay(context.Deadline - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(30), cancellationToken);
        return new JsonObject();
    }

    private static ValueTask<JsonNode?> NoopAsync(LocalFunctionContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult<JsonNode?>(new JsonObject());

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
