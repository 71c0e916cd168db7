using Microsoft.AspNetCore.Http.HttpResults;
using TasksConsole.Core.Common;

namespace TasksConsole.Web.Api;

/// <summary>The EXH error body. The SDK picks its error class from <c>code</c>.</summary>
public sealed record ErrorBody(int Code, string Name, string Message);

public static class ApiErrors
{
    public static JsonHttpResult<ErrorBody> Result(ErrorCode error, string message, int? statusCode = null) =>
        TypedResults.Json(new ErrorBody(error.Code, error.Name, message), ApiJson.Options, statusCode: statusCode ?? error.HttpStatus);

    public static Task WriteAsync(HttpContext context, ErrorCode error, string message, int? statusCode = null)
    {
        context.Response.StatusCode = statusCode ?? error.HttpStatus;
        return context.Response.WriteAsJsonAsync(new ErrorBody(error.Code, error.Name, message), ApiJson.Options);
    }
}
