using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using TasksConsole.Core.Tasks;

namespace TasksConsole.Web.Tasks;

/// <summary>
/// Checks a task's data as typed in the console, with the same rules as <see cref="TaskService"/> (a JSON object
/// of at most 250 KB) but with messages that point at the problem, so the operator can fix it before submitting.
/// </summary>
public static class TaskDataJson
{
    /// <summary>Null when <paramref name="json"/> is acceptable (empty text means <c>{}</c>); otherwise what is wrong and where.</summary>
    public static string? Validate(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return null;

        var bytes = Encoding.UTF8.GetByteCount(json);
        if (bytes > TaskLimits.MaxDataBytes)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"Data is {bytes / 1024.0:0.#} KB; the limit is {TaskLimits.MaxDataBytes / 1024} KB.");
        }
        try
        {
            using var document = JsonDocument.Parse(json);
            var kind = document.RootElement.ValueKind;
            return kind == JsonValueKind.Object ? null : $"Data must be a JSON object ({{ … }}), not {Describe(kind)}.";
        }
        catch (JsonException ex)
        {
            var problem = ex.Message;
            var cut = problem.IndexOf(" Path:", StringComparison.Ordinal);
            if (cut < 0) cut = problem.IndexOf(" LineNumber:", StringComparison.Ordinal);
            if (cut > 0) problem = problem[..cut];
            // The reader counts from 0 and in bytes; people count from 1 and in characters (equal for ASCII).
            return ex.LineNumber is { } line && ex.BytePositionInLine is { } column
                ? $"Not valid JSON at line {line + 1}, column {column + 1}: {problem}"
                : $"Not valid JSON: {problem}";
        }
    }

    /// <summary>The text to submit: empty means no data, which the service stores as <c>{}</c>.</summary>
    public static string? ToSubmit(string? json) => string.IsNullOrWhiteSpace(json) ? null : json;

    /// <summary>
    /// Indented for editing when the stored text is a single line (as API clients send it); left as it was
    /// otherwise, since the author's own layout is worth keeping. Values are copied exactly, numbers included.
    /// </summary>
    public static string ForEditing(string json)
    {
        if (json.Contains('\n') || json.Length > 64 * 1024) return json;
        try
        {
            using var document = JsonDocument.Parse(json);
            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                document.WriteTo(writer);
            }
            return Encoding.UTF8.GetString(stream.ToArray());
        }
        catch (JsonException)
        {
            return json;
        }
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "that",
    };
}
