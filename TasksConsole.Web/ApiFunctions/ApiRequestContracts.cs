using TasksConsole.Core.ApiFunctions;

namespace TasksConsole.Web.ApiFunctions;

/// <summary>An API request as the EXH API returns it (<c>duration</c> in seconds); absent optional fields are omitted.</summary>
public sealed record ApiRequestResponse(
    string Id,
    string FunctionName,
    string Method,
    string Path,
    string? UserId,
    string? ApplicationId,
    int StatusCode,
    DateTimeOffset Timestamp,
    double Duration,
    ApiRequestErrorResponse? Error)
{
    public static ApiRequestResponse From(ApiRequestRecord request) => new(
        request.Id,
        request.FunctionName,
        request.Method,
        request.Path,
        request.UserId,
        request.ApplicationId,
        request.StatusCode,
        request.Timestamp,
        request.DurationSeconds,
        request.ErrorType is { } type ? new ApiRequestErrorResponse(request.ErrorName ?? "", request.ErrorMessage ?? "", type) : null);
}

public sealed record ApiRequestErrorResponse(string Name, string Message, string Type);
