using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using TasksConsole.Core.ApiFunctions;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Common;
using TasksConsole.Core.Functions;
using TasksConsole.Web.Api;
using TasksConsole.Web.Auth;
using TasksConsole.Web.Functions;

namespace TasksConsole.Web.ApiFunctions;

/// <summary>
/// <c>/tasks/v1/api/{functionName}/{path}</c>, every method: the request is handed to the function as an API Gateway
/// event and its response object is the answer. The call is recorded as an API request (in the background, in batches).
/// </summary>
public static class ApiFunctionEndpoints
{
    public const string RoutePrefix = "/tasks/v1/api";

    /// <summary>Hop-by-hop and framing headers are the server's to set, whatever the function answered.</summary>
    private static readonly HashSet<string> ServerOwnedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "content-length", "transfer-encoding", "connection", "keep-alive", "upgrade", "trailer", "te",
    };

    public static WebApplication MapApiFunctionEndpoints(this WebApplication app)
    {
        app.MapMethods(RoutePrefix + "/{functionName}/{**path}", ["GET", "POST", "PUT", "PATCH", "DELETE"], CallAsync)
            .AllowAnonymous()
            .LimitOpenCalls(Permissions.ExecuteApiFunction, "functionName")
            .WithTags("API functions")
            .WithSummary("Call an API function")
            .WithDescription("The request becomes an API Gateway payload-2.0 event; the function's {statusCode, headers, body, " +
                             "isBase64Encoded} is the response. Who may call follows the function's executionOptions.permissionMode: " +
                             "public (anyone), allUsers (any signed-in caller) or permissionRequired " +
                             "(EXECUTE_API_FUNCTION or EXECUTE_API_FUNCTION:{functionName}); calls that only the public or allUsers mode lets " +
                             "through are rate limited per client address (429). A failure answers an EXH error: " +
                             "1405 invocation, 1406 runtime, 1409 invalid result, 1411 time limit above 30 s.");
        return app;
    }

    private static async Task<IResult> CallAsync(
        string functionName,
        HttpContext context,
        IFunctionCatalog functions,
        ApiFunctionInvoker invoker,
        ApiRequestRecorder recorder,
        IOptions<ApiFunctionsOptions> options)
    {
        // The function's own statuses (a bare 404 included) are its answer, not ours to dress up as an EXH error.
        if (context.Features.Get<IStatusCodePagesFeature>() is { } statusPages) statusPages.Enabled = false;

        var function = await functions.FindAsync(functionName, context.RequestAborted);
        if (FunctionPermission.Authorize(context, functionName, function, Permissions.ExecuteApiFunction) is { } refusal) return refusal;
        // Unknown names are not recorded: there is no function to record them against.
        if (function is null) throw new ServiceException(ErrorCode.ResourceUnknown, $"No function named '{functionName}'.");

        var call = new ApiFunctionCall(
            context.Request.Method,
            FunctionPath(context, functionName),
            context.Request.QueryString.Value ?? "",
            [.. context.Request.Headers.SelectMany(h => h.Value.Select(v => new KeyValuePair<string, string>(h.Key, v ?? "")))],
            context.Request.ContentType,
            await ReadBodyAsync(context.Request, options.Value.MaxBodyBytes),
            context.User.GetCaller());
        var answer = await invoker.InvokeAsync(function, call, context.RequestAborted);

        await WriteAnswerAsync(context, answer);
        // Stored by the recorder once the answer is on its way, so the store is not part of the round trip.
        recorder.Enqueue(answer);
        return Results.Empty;
    }

    /// <summary>What follows the function name in the URL as the caller sent it (still percent-encoded), from <c>/</c>.</summary>
    private static string FunctionPath(HttpContext context, string functionName)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(raw) || !raw.StartsWith('/')) raw = context.Request.PathBase + context.Request.Path;
        var query = raw.IndexOf('?');
        if (query >= 0) raw = raw[..query];
        var prefix = RoutePrefix + "/" + Uri.EscapeDataString(functionName);
        var rest = raw.StartsWith(prefix, StringComparison.Ordinal) ? raw[prefix.Length..] : "/" + (context.Request.RouteValues["path"] as string ?? "");
        return rest.StartsWith('/') ? rest : "/" + rest;
    }

    private static async Task<ReadOnlyMemory<byte>> ReadBodyAsync(HttpRequest request, int maxBytes)
    {
        using var buffer = await JsonBody.ReadBytesAsync(request, maxBytes);
        return buffer.ToArray();
    }

    private static async Task WriteAnswerAsync(HttpContext context, ApiFunctionAnswer answer)
    {
        if (answer.Error is { } error)
        {
            await ApiErrors.WriteAsync(context, error.Code, error.Message, answer.StatusCode);
            return;
        }
        var response = context.Response;
        response.StatusCode = answer.StatusCode;
        foreach (var (name, value) in answer.Headers)
        {
            if (ServerOwnedHeaders.Contains(name)) continue;
            response.Headers.Append(name, value);
        }
        if (!answer.Body.IsEmpty)
        {
            response.ContentLength = answer.Body.Length;
            await response.Body.WriteAsync(answer.Body, context.RequestAborted);
        }
    }
}
