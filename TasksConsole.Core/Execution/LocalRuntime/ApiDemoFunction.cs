using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TasksConsole.Core.Functions;

namespace TasksConsole.Core.Execution.LocalRuntime;

/// <summary>
/// The demo API function: it receives an API Gateway payload-2.0 event (see <c>/tasks/v1/api/api-demo/...</c>) and
/// answers with a response object, so <c>dotnet run</c> shows API functions, their errors and their request logs.
/// Routes: <c>GET /hello?name=</c>, any method on <c>/echo</c>, <c>/status/{code}</c>, <c>/fail</c> (throws) and
/// <c>/invalid</c> (answers something that is not a response object).
/// </summary>
public static class ApiDemoFunction
{
    public const string Name = "api-demo";
    public const string Description =
        "An API function: GET /hello?name=you greets, /echo answers the request it received (any method), " +
        "/status/{code} answers that status, /fail throws and /invalid returns no response object.";

    /// <summary>Any signed-in user may call it, so a fresh install can try it with its first account.</summary>
    public const string PermissionMode = FunctionPermissionModes.AllUsers;

    public static ValueTask<JsonNode?> HandleAsync(LocalFunctionContext context, CancellationToken cancellationToken)
    {
        var request = context.Event;
        var method = request.TryGetProperty("requestContext", out var requestContext)
                     && requestContext.TryGetProperty("http", out var http) && http.TryGetProperty("method", out var m)
            ? m.GetString() ?? "GET"
            : "GET";
        var path = StringProperty(request, "rawPath") ?? "/";
        var query = StringProperty(request, "rawQueryString") ?? "";
        context.Log($"{method} {path}{query}");

        var segments = path.Trim('/').Split('/');
        switch (segments[0])
        {
            case "hello" when method == "GET":
                var name = QueryValue(query, "name") ?? "world";
                return Answer(200, new JsonObject { ["message"] = $"Hello, {name}!" });
            case "echo":
                return Answer(200, Echo(request, method, path, query));
            case "status" when segments.Length > 1 && int.TryParse(segments[1], out var status):
                context.Log($"answering status {status}");
                return Answer(status, new JsonObject { ["status"] = status });
            case "fail":
                throw new LocalFunctionException("ApiDemoFailure", "The demo API function failed on purpose.");
            case "invalid":
                context.Log("returning something that is not a response object");
                return ValueTask.FromResult<JsonNode?>(new JsonArray("not", "a", "response"));
            default:
                return Answer(404, new JsonObject { ["message"] = $"No route for {method} {path}." });
        }
    }

    private static JsonObject Echo(JsonElement request, string method, string path, string query)
    {
        var headers = request.TryGetProperty("headers", out var h) && h.ValueKind == JsonValueKind.Object ? h : default;
        string? Header(string name) => headers.ValueKind == JsonValueKind.Object && headers.TryGetProperty(name, out var v) ? v.GetString() : null;
        var isBase64 = request.TryGetProperty("isBase64Encoded", out var b) && b.ValueKind == JsonValueKind.True;
        var body = StringProperty(request, "body") ?? "";
        JsonNode? json = null;
        if (!isBase64 && body.Length > 0)
        {
            try
            {
                json = JsonNode.Parse(body);
            }
            catch (JsonException)
            {
                // Not JSON: the text is echoed as it came.
            }
        }
        return new JsonObject
        {
            ["method"] = method,
            ["path"] = path,
            ["query"] = query,
            ["userId"] = Header(ApiFunctions.ApiGatewayEvent.UserIdHeader),
            ["applicationId"] = Header(ApiFunctions.ApiGatewayEvent.ApplicationIdHeader),
            ["contentType"] = Header("content-type"),
            ["isBase64Encoded"] = isBase64,
            ["bodyBytes"] = isBase64 ? Convert.FromBase64String(body).Length : Encoding.UTF8.GetByteCount(body),
            ["body"] = json ?? JsonValue.Create(body),
        };
    }

    private static ValueTask<JsonNode?> Answer(int statusCode, JsonObject body) =>
        ValueTask.FromResult<JsonNode?>(new JsonObject
        {
            ["statusCode"] = statusCode,
            ["headers"] = new JsonObject { ["content-type"] = "application/json" },
            ["body"] = body.ToJsonString(),
        });

    private static string? StringProperty(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static string? QueryValue(string query, string name)
    {
        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            if (Uri.UnescapeDataString(parts[0]) == name) return parts.Length > 1 ? Uri.UnescapeDataString(parts[1].Replace('+', ' ')) : "";
        }
        return null;
    }
}
