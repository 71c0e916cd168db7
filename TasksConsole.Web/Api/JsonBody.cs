using System.Text.Json;
using TasksConsole.Core.Common;

namespace TasksConsole.Web.Api;

/// <summary>
/// Reads request bodies by hand rather than by model binding, so that every way a body can be wrong (not JSON,
/// too large, a field of the wrong type) gets the EXH error code the SDK expects instead of a framework 400/500.
/// Each body's record (<see cref="IJsonRequest{TSelf}"/>) reads its fields with these helpers.
/// </summary>
public static class JsonBody
{
    public const int DefaultMaxBytes = 1024 * 1024;

    /// <summary>
    /// The body read into its record. Handlers normally take the record as a parameter; this is for the few that
    /// must decide something (who may call) before the body is read.
    /// </summary>
    public static async Task<T> ReadAsync<T>(HttpRequest request) where T : class, IJsonRequest<T>
    {
        var body = await ReadObjectAsync(request, T.AllowEmpty, T.MaxBytes);
        try
        {
            return T.Read(body);
        }
        catch (InvalidOperationException ex)
        {
            // Valid JSON can still escape a lone UTF-16 surrogate ("\ud800"); reading it as a string throws. A
            // record's Read does nothing but read the body, so this is the body's fault, not the server's.
            throw new ServiceException(ErrorCode.BodyFormat, $"The request body holds text that is not valid Unicode: {ex.Message}");
        }
    }

    /// <summary>The raw body, refused with BODY_FORMAT once it is longer than <paramref name="maxBytes"/> (before reading it all).</summary>
    public static async Task<MemoryStream> ReadBytesAsync(HttpRequest request, int maxBytes)
    {
        if (request.ContentLength > maxBytes) throw TooLarge(maxBytes);
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                await buffer.DisposeAsync();
                throw TooLarge(maxBytes);
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer;
    }

    /// <summary>The body as a JSON object; an absent or empty body reads as <c>{}</c> when <paramref name="allowEmpty"/>.</summary>
    public static async Task<JsonElement> ReadObjectAsync(HttpRequest request, bool allowEmpty = false, int maxBytes = DefaultMaxBytes)
    {
        using var buffer = await ReadBytesAsync(request, maxBytes);

        if (buffer.Length == 0 || IsWhitespace(buffer))
        {
            if (allowEmpty) return JsonDocument.Parse("{}").RootElement.Clone();
            throw new ServiceException(ErrorCode.EmptyBody, "The request body is empty; a JSON object is expected.");
        }

        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(buffer.ToArray(), new JsonDocumentOptions { MaxDepth = 64 });
            root = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new ServiceException(ErrorCode.BodyFormat, $"The request body is not valid JSON: {ex.Message}");
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new ServiceException(ErrorCode.BodyFormat, $"The request body must be a JSON object, not {Describe(root.ValueKind)}.");
        }
        return root;
    }

    public static string? OptionalString(JsonElement body, string name, int maxLength = 1024)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.String) throw FieldFormat(name, "a string", value);
        var text = value.GetString()!;
        if (text.Length > maxLength)
        {
            throw new ServiceException(ErrorCode.FieldFormat, $"Field '{name}' is longer than {maxLength} characters.");
        }
        return text;
    }

    public static string RequiredString(JsonElement body, string name, int maxLength = 1024) =>
        OptionalString(body, name, maxLength) is { Length: > 0 } text
            ? text
            : throw new ServiceException(ErrorCode.MissingRequiredFields, $"Field '{name}' is required.");

    public static long? OptionalInteger(JsonElement body, string name, long min = long.MinValue, long max = long.MaxValue)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number))
        {
            throw FieldFormat(name, "an integer", value);
        }
        if (number < min || number > max)
        {
            throw new ServiceException(ErrorCode.FieldFormat, $"Field '{name}' must be between {min} and {max}.");
        }
        return number;
    }

    public static bool? OptionalBoolean(JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw FieldFormat(name, "a boolean", value),
        };
    }

    /// <summary>An ISO-8601 instant; one without an offset is taken as UTC.</summary>
    public static DateTimeOffset? OptionalInstant(JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind == JsonValueKind.String && InstantParser.TryParse(value.GetString(), out var instant))
        {
            return instant;
        }
        throw FieldFormat(name, "an ISO-8601 date-time string", value);
    }

    /// <summary>A JSON object kept as it is (a task's <c>data</c>); null when absent or null.</summary>
    public static JsonElement? OptionalObject(JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.Object) throw FieldFormat(name, "a JSON object", value);
        return value;
    }

    public static IReadOnlyList<string>? OptionalStringArray(JsonElement body, string name, int maxItems, int maxItemLength)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.Array) throw FieldFormat(name, "an array of strings", value);
        var items = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String) throw FieldFormat(name, "an array of strings", item);
            var text = item.GetString()!;
            if (text.Length == 0 || text.Length > maxItemLength)
            {
                throw new ServiceException(ErrorCode.FieldFormat, $"Each entry of '{name}' must be 1 to {maxItemLength} characters long.");
            }
            items.Add(text);
        }
        if (items.Count > maxItems)
        {
            throw new ServiceException(ErrorCode.FieldFormat, $"Field '{name}' may hold at most {maxItems} entries.");
        }
        return items;
    }

    public static ServiceException FieldFormat(string name, string expected, JsonElement actual) =>
        new(ErrorCode.FieldFormat, $"Field '{name}' must be {expected}, not {Describe(actual.ValueKind)}.");

    private static ServiceException TooLarge(int maxBytes) =>
        new(ErrorCode.BodyFormat, $"The request body is larger than {maxBytes / 1024} KB.");

    private static bool IsWhitespace(MemoryStream buffer)
    {
        foreach (var b in buffer.GetBuffer().AsSpan(0, (int)buffer.Length))
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')) return false;
        }
        return true;
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
