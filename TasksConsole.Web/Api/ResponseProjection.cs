using System.Text.Json;
using System.Text.Json.Nodes;

namespace TasksConsole.Web.Api;

/// <summary>
/// RQL <c>select(a,b.c)</c>: keeps only the named fields of each item. It runs on the serialized items, so the
/// projection is exactly the response shape the caller would otherwise get.
/// </summary>
public static class ResponseProjection
{
    public static IReadOnlyList<JsonElement> Select<T>(IEnumerable<T> items, IReadOnlyList<string> fields)
    {
        var result = new List<JsonElement>();
        foreach (var item in items)
        {
            var source = JsonSerializer.SerializeToNode(item, ApiJson.Options)!.AsObject();
            var projected = new JsonObject();
            foreach (var field in fields) CopyPath(source, projected, field.Split('.'));
            result.Add(JsonSerializer.SerializeToElement(projected));
        }
        return result;
    }

    private static void CopyPath(JsonObject source, JsonObject target, ReadOnlySpan<string> path)
    {
        if (!source.TryGetPropertyValue(path[0], out var value) || value is null) return;
        if (path.Length == 1)
        {
            target[path[0]] = value.DeepClone();
            return;
        }
        if (value is not JsonObject child) return;
        if (target[path[0]] is not JsonObject targetChild)
        {
            targetChild = new JsonObject();
            target[path[0]] = targetChild;
        }
        CopyPath(child, targetChild, path[1..]);
    }
}
