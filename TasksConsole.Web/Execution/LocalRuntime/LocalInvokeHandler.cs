using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Features;
using TasksConsole.Core.Execution.LocalRuntime;

namespace TasksConsole.Web.Execution.LocalRuntime;

/// <summary>
/// <c>POST /2015-03-31/functions/{FunctionName}/invocations</c>, answered with Lambda's status codes, headers and error
/// shapes. Runs as the server's only request delegate: no routing or other middleware, and no per-request logging,
/// because no-op invocations should cost little more than the signature check.
/// </summary>
internal sealed class LocalInvokeHandler(
    LocalFunctionRunner runner,
    SigV4Verifier verifier,
    string region,
    ILogger<LocalInvokeHandler> logger,
    CancellationToken stopping)
{
    /// <summary>Lambda's payload quotas: 6 MB for synchronous calls, 256 KB for Event.</summary>
    public const int SyncPayloadLimit = 6 * 1024 * 1024;
    public const int AsyncPayloadLimit = 256 * 1024;

    private const string PathPrefix = "/2015-03-31/functions/";
    private const string PathSuffix = "/invocations";

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        var requestId = Guid.NewGuid().ToString();
        response.Headers["x-amzn-RequestId"] = requestId;

        try
        {
            var body = await ReadBodyAsync(request, SyncPayloadLimit, context.RequestAborted);
            if (body is null)
            {
                await WriteErrorAsync(response, 413, "RequestTooLargeException",
                    $"Request must be smaller than {SyncPayloadLimit} bytes for the InvokeFunction operation");
                return;
            }

            var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path.Value + request.QueryString.Value;
            var verdict = verifier.Verify(new SigV4Request(request.Method, request.Scheme, rawTarget, name => Header(request, name), body));
            if (!verdict.IsValid)
            {
                await WriteAuthErrorAsync(response, verdict);
                return;
            }

            if (!HttpMethods.IsPost(request.Method) || !TryReadFunctionSegment(rawTarget, out var functionSegment))
            {
                await WriteErrorAsync(response, 404, "UnknownOperationException", "The local Lambda runtime serves only Invoke.");
                return;
            }
            await InvokeAsync(request, response, Uri.UnescapeDataString(functionSegment), body, requestId);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested || stopping.IsCancellationRequested)
        {
            // The client went away or the app is stopping; there is no one to answer.
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Local Lambda runtime failed on request {RequestId}", requestId);
            if (!response.HasStarted) await WriteErrorAsync(response, 500, "ServiceException", "The local runtime failed: " + ex.Message);
        }
    }

    private async Task InvokeAsync(HttpRequest request, HttpResponse response, string functionName, byte[] body, string requestId)
    {
        var invocationType = Header(request, "X-Amz-Invocation-Type") ?? "RequestResponse";
        if (invocationType is not ("RequestResponse" or "Event" or "DryRun"))
        {
            await WriteValidationErrorAsync(response, invocationType, "invocationType", "[Event, RequestResponse, DryRun]");
            return;
        }
        var logType = Header(request, "X-Amz-Log-Type") ?? "None";
        if (logType is not ("None" or "Tail"))
        {
            await WriteValidationErrorAsync(response, logType, "logType", "[None, Tail]");
            return;
        }

        if (!LocalFunctionName.TryParse(functionName, out var name))
        {
            await WriteValidationErrorAsync(response, functionName, "functionName",
                null, "Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?");
            return;
        }
        var queryQualifier = request.Query["Qualifier"].FirstOrDefault();
        if (name.Qualifier is not null && !string.IsNullOrEmpty(queryQualifier) && name.Qualifier != queryQualifier)
        {
            await WriteErrorAsync(response, 400, "InvalidParameterValueException",
                "The derived qualifier from the function name does not match the specified qualifier.");
            return;
        }

        // Every qualifier (version or alias) resolves to the one version a local function has.
        var function = runner.Find(name.Name);
        if (function is null)
        {
            var arn = (name with { Qualifier = name.Qualifier ?? NullIfEmpty(queryQualifier) }).Arn(region);
            await WriteErrorAsync(response, 404, "ResourceNotFoundException", $"Function not found: {arn}");
            return;
        }

        if (invocationType == "Event" && body.Length > AsyncPayloadLimit)
        {
            await WriteErrorAsync(response, 413, "RequestTooLargeException",
                $"Request must be smaller than {AsyncPayloadLimit} bytes for the InvokeAsync operation");
            return;
        }

        JsonDocument document;
        try
        {
            // An empty payload reaches the function as {}, as in Lambda.
            document = body.Length == 0 ? JsonDocument.Parse("{}") : JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            await WriteErrorAsync(response, 400, "InvalidRequestContentException",
                $"Could not parse request body into json: Could not parse payload into json: {ex.Message}");
            return;
        }

        switch (invocationType)
        {
            case "DryRun":
                document.Dispose();
                response.StatusCode = StatusCodes.Status204NoContent;
                return;

            case "Event":
                response.StatusCode = StatusCodes.Status202Accepted;
                _ = Task.Run(() => RunDetachedAsync(function, document, requestId), CancellationToken.None);
                return;
        }

        var outcome = await runner.RunAsync(function, document, requestId, stopping);
        response.StatusCode = StatusCodes.Status200OK;
        response.Headers["X-Amz-Executed-Version"] = LocalFunctionRunner.ExecutedVersion;
        if (outcome.FunctionError is { } error) response.Headers["X-Amz-Function-Error"] = error;
        if (logType == "Tail") response.Headers["X-Amz-Log-Result"] = outcome.LogTailBase64();
        response.ContentType = "application/json";
        response.ContentLength = outcome.Payload.Length;
        await response.Body.WriteAsync(outcome.Payload);
    }

    /// <summary>An Event invocation: its result and log go nowhere, as in Lambda without a destination.</summary>
    private async Task RunDetachedAsync(LocalFunction function, JsonDocument document, string requestId)
    {
        try
        {
            var outcome = await runner.RunAsync(function, document, requestId, stopping);
            if (outcome.FunctionError is not null && logger.IsEnabled(LogLevel.Debug))
            {
                logger.LogDebug("Event invocation {RequestId} of {Function} failed: {Log}", requestId, function.Name, outcome.Log);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Shutting down.
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Event invocation {RequestId} of {Function} failed in the runtime", requestId, function.Name);
        }
    }

    internal static bool TryReadFunctionSegment(string rawTarget, out string segment)
    {
        segment = "";
        var query = rawTarget.IndexOf('?');
        var path = query < 0 ? rawTarget.AsSpan() : rawTarget.AsSpan(0, query);
        if (!path.StartsWith(PathPrefix, StringComparison.Ordinal) || !path.EndsWith(PathSuffix, StringComparison.Ordinal)) return false;
        var middle = path[PathPrefix.Length..^PathSuffix.Length];
        if (middle.IsEmpty || middle.Contains('/')) return false;
        segment = middle.ToString();
        return true;
    }

    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength is { } length)
        {
            if (length > limit) return null;
            if (length == 0) return [];
            var buffer = new byte[length];
            await request.Body.ReadExactlyAsync(buffer, cancellationToken);
            return buffer;
        }

        using var copy = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (copy.Length + read > limit) return null;
            copy.Write(chunk, 0, read);
        }
        return copy.ToArray();
    }

    /// <summary>One value per header name, repeated values joined by commas, as SigV4 canonicalizes them.</summary>
    private static string? Header(HttpRequest request, string name) =>
        request.Headers.TryGetValue(name, out var values) && values.Count > 0
            ? values.Count == 1 ? values[0] : string.Join(',', values.Select(v => v?.Trim()))
            : null;

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;

    private static Task WriteValidationErrorAsync(HttpResponse response, string value, string member, string? allowed, string? constraint = null) =>
        WriteErrorAsync(response, 400, "ValidationException",
            $"1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: " +
            (constraint ?? $"Member must satisfy enum value set: {allowed}"));

    /// <summary>Lambda's own errors: <c>{"Type":"User","message":...}</c>, the code in <c>x-amzn-ErrorType</c>.</summary>
    private static Task WriteErrorAsync(HttpResponse response, int status, string code, string message)
    {
        var body = new JsonObject { ["Type"] = status >= 500 ? "Service" : "User", ["message"] = message };
        return WriteJsonAsync(response, status, code, body);
    }

    /// <summary>The signing front end answers with only <c>{"message":...}</c>.</summary>
    private static Task WriteAuthErrorAsync(HttpResponse response, SigV4Verification verdict) =>
        WriteJsonAsync(response, verdict.StatusCode, verdict.ErrorCode!, new JsonObject { ["message"] = verdict.Message });

    private static Task WriteJsonAsync(HttpResponse response, int status, string code, JsonObject body)
    {
        response.StatusCode = status;
        response.Headers["x-amzn-ErrorType"] = code;
        response.ContentType = "application/json";
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body);
        response.ContentLength = bytes.Length;
        return response.Body.WriteAsync(bytes).AsTask();
    }
}
