using Microsoft.AspNetCore.Diagnostics;
using TasksConsole.Core.Common;
using TasksConsole.Core.Data;

namespace TasksConsole.Web.Api;

/// <summary>
/// Turns every failure under the API paths into an EXH error body: expected failures keep their code, framework
/// rejections become 4xx, a store that cannot take writes (disk full, read-only) a 503 that says so, and anything
/// unexpected is logged and answered with code 1 and no internals.
/// </summary>
public sealed class ApiExceptionHandler(ILogger<ApiExceptionHandler> logger, TimeProvider clock) : IExceptionHandler
{
    /// <summary>A full disk fails every write until it is freed: one Error a minute tells the operator, not one per request.</summary>
    private readonly RepeatedFaultLog _storeFaultLog = new(clock, TimeSpan.FromMinutes(1));

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (!ApiPaths.IsApi(context.Request.Path)) return false;

        switch (exception)
        {
            case ServiceException service:
                await ApiErrors.WriteAsync(context, service.Error, service.Message);
                break;
            case BadHttpRequestException badRequest:
                await ApiErrors.WriteAsync(context, ErrorCode.BodyFormat, badRequest.Message, badRequest.StatusCode);
                break;
            case OperationCanceledException when context.RequestAborted.IsCancellationRequested:
                break;
            case Exception when StoreErrors.StoreUnavailableReason(exception) is { } reason:
                LogStoreFault(context, exception, reason);
                // Seconds, not a promise: the fault lasts until an operator acts, and clients should not hammer meanwhile.
                context.Response.Headers.RetryAfter = "30";
                await ApiErrors.WriteAsync(context, ErrorCode.ServiceUnavailable, StoreErrors.UnavailableMessage(reason));
                break;
            default:
                logger.LogError(exception, "Unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
                await ApiErrors.WriteAsync(context, ErrorCode.Server, "The server failed to handle the request; the error was logged.");
                break;
        }
        return true;
    }

    private void LogStoreFault(HttpContext context, Exception exception, string reason)
    {
        if (_storeFaultLog.ShouldLog(out var unlogged))
        {
            logger.LogError(exception, "The store cannot take writes ({Reason}); {Method} {Path} and other writes answer 503 until it can ({Unlogged} more since the last report)",
                reason, context.Request.Method, context.Request.Path, unlogged);
        }
        else
        {
            logger.LogDebug("Store still unavailable ({Reason}): {Method} {Path} answered 503", reason, context.Request.Method, context.Request.Path);
        }
    }
}

public static class ApiPaths
{
    /// <summary>The REST prefixes: everything under them answers in the EXH error shape, never with a console page.</summary>
    public static readonly IReadOnlyList<string> Prefixes = ["/tasks/v1", "/auth/v2", "/admin/v1"];

    public static bool IsApi(PathString path) => Prefixes.Any(prefix => path.StartsWithSegments(prefix));
}
