using System.Buffers;
using System.Text;
using System.Text.Json;

namespace TasksConsole.Core.ApiFunctions;

/// <summary>
/// The API Gateway payload-2.0 event an API function receives, and how its response object is read back. The
/// caller's identity is set here from the authenticated caller; headers of those names sent by the caller are
/// dropped, so a function can trust them.
/// </summary>
public static class ApiGatewayEvent
{
    public const string UserIdHeader = "x-exh-requesting-user-id";
    public const string ApplicationIdHeader = "x-exh-requesting-application-id";

    /// <summary>
    /// The caller's credentials stay with us: the function learns who called from the identity headers, and must
    /// not be handed a token it could replay.
    /// </summary>
    private static readonly HashSet<string> WithheldHeaders = new(StringComparer.Ordinal)
    {
        UserIdHeader, ApplicationIdHeader, "authorization", "cookie",
    };

    public static byte[] Build(ApiFunctionCall call)
    {
        var buffer = new ArrayBufferWriter<byte>(512 + call.Body.Length * 4 / 3);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("version", "2.0");
            writer.WriteString("rawPath", call.Path);
            writer.WriteString("rawQueryString", call.RawQueryString);

            writer.WriteStartObject("headers");
            foreach (var (name, value) in MergedHeaders(call.Headers))
            {
                writer.WriteString(name, value);
            }
            if (call.Caller.UserId is { } userId) writer.WriteString(UserIdHeader, userId);
            if (call.Caller.ApplicationId is { } applicationId) writer.WriteString(ApplicationIdHeader, applicationId);
            writer.WriteEndObject();

            writer.WriteStartObject("requestContext");
            writer.WriteStartObject("http");
            writer.WriteString("method", call.Method);
            writer.WriteString("path", call.Path);
            writer.WriteEndObject();
            writer.WriteEndObject();

            var isText = IsText(call.ContentType, call.Body.Span);
            if (isText) writer.WriteString("body", Encoding.UTF8.GetString(call.Body.Span));
            else writer.WriteBase64String("body", call.Body.Span);
            writer.WriteBoolean("isBase64Encoded", !isText);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Lower-cased names, repeated headers joined with commas as API Gateway does, identity and credentials removed.</summary>
    private static IEnumerable<KeyValuePair<string, string>> MergedHeaders(IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        var merged = new Dictionary<string, string>(headers.Count, StringComparer.Ordinal);
        foreach (var (name, value) in headers)
        {
            var key = name.ToLowerInvariant();
            if (WithheldHeaders.Contains(key)) continue;
            merged[key] = merged.TryGetValue(key, out var earlier) ? earlier + "," + value : value;
        }
        return merged;
    }

    /// <summary>
    /// A body travels as text when it is declared textual and is valid UTF-8; anything else (images, zips, an
    /// octet stream, or no content type at all with bytes that are not UTF-8) is base64, as API Gateway does.
    /// </summary>
    internal static bool IsText(string? contentType, ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty) return true;
        if (!System.Text.Unicode.Utf8.IsValid(body)) return false;
        if (string.IsNullOrEmpty(contentType)) return true;
        var mediaType = contentType.Split(';', 2)[0].Trim().ToLowerInvariant();
        return mediaType.StartsWith("text/", StringComparison.Ordinal)
               || mediaType is "application/json" or "application/xml" or "application/javascript"
                   or "application/x-www-form-urlencoded" or "application/graphql"
               || mediaType.EndsWith("+json", StringComparison.Ordinal)
               || mediaType.EndsWith("+xml", StringComparison.Ordinal);
    }

    /// <summary>The function's answer as an HTTP response, or why it cannot be one.</summary>
    public static ApiFunctionResponse ParseResponse(ReadOnlySpan<byte> payload)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(payload.ToArray());
        }
        catch (JsonException)
        {
            return ApiFunctionResponse.Invalid("The function's result is not JSON; it must be an object with a statusCode.");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return ApiFunctionResponse.Invalid("The function's result must be an object with a statusCode.");
            }
            if (!root.TryGetProperty("statusCode", out var statusElement) || !statusElement.TryGetInt32(out var statusCode))
            {
                return ApiFunctionResponse.Invalid("The function's result has no integer statusCode.");
            }
            if (statusCode is < 200 or > 499)
            {
                return ApiFunctionResponse.Invalid($"The function answered status {statusCode}; API functions may answer 200 to 499.");
            }

            var headers = new List<KeyValuePair<string, string>>();
            if (root.TryGetProperty("headers", out var headersElement) && headersElement.ValueKind != JsonValueKind.Null)
            {
                if (headersElement.ValueKind != JsonValueKind.Object)
                {
                    return ApiFunctionResponse.Invalid("The function's headers must be an object of names to values.");
                }
                foreach (var header in headersElement.EnumerateObject())
                {
                    var value = header.Value.ValueKind switch
                    {
                        JsonValueKind.String => header.Value.GetString(),
                        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => header.Value.GetRawText(),
                        _ => null,
                    };
                    if (value is null) return ApiFunctionResponse.Invalid($"The value of header '{header.Name}' must be a string.");
                    headers.Add(new(header.Name, value));
                }
            }

            var isBase64 = root.TryGetProperty("isBase64Encoded", out var base64Element) && base64Element.ValueKind == JsonValueKind.True;
            byte[] body;
            if (!root.TryGetProperty("body", out var bodyElement) || bodyElement.ValueKind == JsonValueKind.Null)
            {
                body = [];
            }
            else if (bodyElement.ValueKind == JsonValueKind.String)
            {
                if (isBase64)
                {
                    if (!bodyElement.TryGetBytesFromBase64(out var decoded))
                    {
                        return ApiFunctionResponse.Invalid("The function's body is marked isBase64Encoded but is not base64.");
                    }
                    body = decoded;
                }
                else
                {
                    body = Encoding.UTF8.GetBytes(bodyElement.GetString()!);
                }
            }
            else
            {
                // "You can directly include the data in its original format": an object or array is sent as JSON.
                body = Encoding.UTF8.GetBytes(bodyElement.GetRawText());
                if (!headers.Any(h => h.Key.Equals("content-type", StringComparison.OrdinalIgnoreCase)))
                {
                    headers.Add(new("content-type", "application/json"));
                }
            }
            return new ApiFunctionResponse(statusCode, headers, body, null);
        }
    }
}

/// <summary>A function's response object, read; <see cref="Problem"/> says why it is not a valid one.</summary>
public sealed record ApiFunctionResponse(int StatusCode, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body, string? Problem)
{
    public static ApiFunctionResponse Invalid(string problem) => new(0, [], [], problem);
}
