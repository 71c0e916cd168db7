using System.Text.Encodings.Web;
using System.Text.Json;

namespace TasksConsole.Web.Components.Shared;

public static class JsonText
{
    private static readonly JsonWriterOptions Indented = new()
    {
        Indented = true,
        // Operators read this: keep non-ASCII text and quotes as they are rather than \u-escaped.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The document indented for reading; text that is not JSON comes back unchanged.</summary>
    public static string Indent(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer, Indented))
            {
                document.WriteTo(writer);
            }
            return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
        }
        catch (JsonException)
        {
            return json;
        }
    }
}
