using Microsoft.AspNetCore.Diagnostics;
using TasksConsole.Core.Common;

namespace TasksConsole.Web.Api;

/// <summary>
/// Turns every failure under the API paths into an EXH error body: expected failures keep their code, framework
/// rejections become 4xx, and anything unexpected is logged and answered with code 1 and no internals.
/// </summary>
public sealed class ApiExceptionHandler(ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
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
            default:
                logger.LogError(exception, "Unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
                await ApiErrors.WriteAsync(context, ErrorCode.Server, "The server failed to handle the request; the error was logged.");
                break;
        }
        return true;
    }
}

public static class ApiPaths
{
    /// <summary>The REST prefixes: everything under them answers in the EXH error shape, never with a console page.</summary>
    public static readonly IReadOnlyList<string> Prefixes = ["/tasks/v1", "/auth/v2", "/admin/v1"];

    public static bool IsApi(PathString path) => Prefixes.Any(prefix => path.StartsWithSegments(prefix));
}
