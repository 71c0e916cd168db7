namespace TasksConsole.Core.Common;

/// <summary>
/// The EXH error catalogue: the SDK picks its error class from <see cref="Code"/> alone, so these numbers are
/// part of the wire contract. <see cref="HttpStatus"/> follows the service's documented statuses.
/// </summary>
public sealed record ErrorCode(int Code, string Name, int HttpStatus)
{
    public static readonly ErrorCode Server = new(1, "SERVER_EXCEPTION", 500);
    /// <summary>The service cannot do its work for now (its store is full or read-only); the SDK's ServiceUnreachableError.</summary>
    public static readonly ErrorCode ServiceUnavailable = new(4, "SERVICE_UNAVAILABLE_EXCEPTION", 503);
    public static readonly ErrorCode NoPermission = new(10, "NO_PERMISSION_EXCEPTION", 401);
    public static readonly ErrorCode IdFormat = new(12, "ID_FORMAT_EXCEPTION", 400);
    public static readonly ErrorCode EmptyBody = new(13, "EMPTY_BODY_EXCEPTION", 400);
    public static readonly ErrorCode MissingRequiredFields = new(14, "MISSING_REQUIRED_FIELDS_EXCEPTION", 400);
    public static readonly ErrorCode FieldFormat = new(15, "FIELD_FORMAT_EXCEPTION", 400);
    public static readonly ErrorCode ResourceUnknown = new(16, "RESOURCE_UNKNOWN_EXCEPTION", 404);
    public static readonly ErrorCode ResourceAlreadyExists = new(17, "RESOURCE_ALREADY_EXISTS_EXCEPTION", 400);
    public static readonly ErrorCode InvalidRql = new(19, "INVALID_RQL_EXCEPTION", 400);
    public static readonly ErrorCode EmptyRql = new(20, "EMPTY_RQL_EXCEPTION", 400);
    public static readonly ErrorCode BodyFormat = new(22, "BODY_FORMAT_EXCEPTION", 400);
    public static readonly ErrorCode IllegalArgument = new(26, "ILLEGAL_ARGUMENT_EXCEPTION", 400);
    public static readonly ErrorCode IllegalState = new(27, "ILLEGAL_STATE_EXCEPTION", 400);
    public static readonly ErrorCode UserNotAuthenticated = new(104, "USER_NOT_AUTHENTICATED_EXCEPTION", 401);
    public static readonly ErrorCode AccessTokenUnknown = new(117, "ACCESS_TOKEN_UNKNOWN_EXCEPTION", 401);
    public static readonly ErrorCode AccessTokenExpired = new(118, "ACCESS_TOKEN_EXPIRED_EXCEPTION", 401);
    public static readonly ErrorCode TooManyRequests = new(429, "TOO_MANY_REQUESTS_EXCEPTION", 429);
    public static readonly ErrorCode InvalidFunctionCode = new(1401, "INVALID_FUNCTION_CODE_EXCEPTION", 400);
    public static readonly ErrorCode InvalidFunctionName = new(1407, "INVALID_FUNCTION_NAME_EXCEPTION", 400);
}

/// <summary>An expected failure with an EXH error code; the API turns it into <c>{code,name,message}</c>.</summary>
public sealed class ServiceException(ErrorCode error, string message) : Exception(message)
{
    public ErrorCode Error { get; } = error;
}
