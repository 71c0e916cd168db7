namespace TasksConsole.Core.ApiFunctions;

/// <summary>One call of an API function: who called what, how it answered, how long it took, and why it failed.</summary>
public sealed class ApiRequestRecord
{
    public required string Id { get; set; }
    public required string FunctionName { get; set; }
    public required string Method { get; set; }

    /// <summary>The path after the function name, always starting with <c>/</c>.</summary>
    public required string Path { get; set; }
    public string? UserId { get; set; }
    public string? ApplicationId { get; set; }

    /// <summary>The function's status code, or the status of the EXH error the caller received.</summary>
    public int StatusCode { get; set; }
    public DateTimeOffset Timestamp { get; set; }

    /// <summary>Seconds from receiving the request to having its answer, as the EXH record states it.</summary>
    public double DurationSeconds { get; set; }

    /// <summary>One of <see cref="ApiRequestErrorTypes"/>; null when the function answered.</summary>
    public string? ErrorType { get; set; }
    public string? ErrorName { get; set; }
    public string? ErrorMessage { get; set; }
}

/// <summary>A line of the function's log tail for one API request.</summary>
public sealed class ApiRequestLogLine
{
    public long Id { get; set; }
    public required string ApiRequestId { get; set; }
    public DateTimeOffset Timestamp { get; set; }
    public required string Message { get; set; }
}

/// <summary>Where in an API request's life an error happened (the EXH <c>ApiRequestErrorType</c>).</summary>
public static class ApiRequestErrorTypes
{
    /// <summary>Before the function ran: unknown or disabled function, Lambda refused or could not be reached.</summary>
    public const string Invocation = "invocation";

    /// <summary>The function threw (or timed out).</summary>
    public const string Runtime = "runtime";

    /// <summary>The function answered, but not with a response object we can send back.</summary>
    public const string Response = "response";

    public static readonly IReadOnlyList<string> All = [Invocation, Runtime, Response];
}
