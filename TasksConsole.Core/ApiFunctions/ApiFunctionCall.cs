using TasksConsole.Core.Tasks;

namespace TasksConsole.Core.ApiFunctions;

/// <summary>An HTTP request for an API function, as the web layer read it.</summary>
/// <param name="Path">What follows the function name, raw (still percent-encoded), starting with <c>/</c>.</param>
/// <param name="RawQueryString">The query string as sent, with its leading <c>?</c>, or empty.</param>
/// <param name="Headers">The caller's headers; names are lower-cased and the identity headers replaced when the event is built.</param>
/// <param name="ContentType">Decides whether <paramref name="Body"/> travels as text or base64.</param>
public sealed record ApiFunctionCall(
    string Method,
    string Path,
    string RawQueryString,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    string? ContentType,
    ReadOnlyMemory<byte> Body,
    Caller Caller);

/// <summary>
/// What to send back: the function's own response, or an EXH error (<see cref="Error"/> set) when the call failed
/// before, during or after the function ran. <see cref="Record"/> is what will be stored.
/// </summary>
public sealed record ApiFunctionAnswer(
    int StatusCode,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    ReadOnlyMemory<byte> Body,
    ApiFunctionError? Error,
    ApiRequestRecord Record,
    string? LogTail);

/// <summary>The EXH error answered instead of a function response.</summary>
public sealed record ApiFunctionError(Common.ErrorCode Code, string Message);
