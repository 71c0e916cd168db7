using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TasksConsole.Core.Auth;
using TasksConsole.Tests.Infrastructure;
using TasksConsole.Web.Api;

namespace TasksConsole.Tests.Api;

/// <summary>
/// Generated hostile input against the real app over HTTP: RQL from a grammar plus random edits on every list
/// endpoint, and JSON bodies on every POST and PUT of the API. Whatever comes in, the answer is never a 5xx, a 4xx
/// always carries the EXH error body, and nothing is logged as an unhandled error. Seeded, so a failure repeats;
/// CsCheck prints the smallest failing input it shrinks to.
/// </summary>
public sealed class HostileInputFuzzTests(TasksConsoleFactory factory) : IClassFixture<TasksConsoleFactory>
{
    private const string Seed = "0N0XIzNsQ0O2";

    private static readonly string[] ListEndpoints =
        ["/tasks/v1/", "/tasks/v1/schedules/", "/tasks/v1/apiRequests/", "/admin/v1/audit", "/tasks/v1/views/", "/admin/v1/users/"];

    [Fact(Timeout = 300_000)]
    public async Task GeneratedRql_OnEveryList_IsAnsweredOrRefusedCleanly()
    {
        var admin = await factory.CreateClientAsync(Role.Admin);
        var errorsBefore = UnhandledErrors().Count;

        await Gen.Select(Rql, Gen.OneOf(ListEndpoints)).SampleAsync(async (rql, endpoint) =>
        {
            var response = await admin.GetAsync(endpoint + "?" + ForUrl(rql));
            await AssertCleanAsync(response, $"GET {endpoint}?{rql}");
        }, seed: Seed, iter: 400, threads: 1);

        Assert.Equal([], UnhandledErrors().Skip(errorsBefore));
    }

    [Fact(Timeout = 300_000)]
    public async Task GeneratedJsonBodies_OnEveryPostAndPut_AreAnsweredOrRefusedCleanly()
    {
        var admin = await factory.CreateClientAsync(Role.Admin);
        var endpoints = WriteEndpoints();
        Assert.True(endpoints.Count >= 15, $"expected the API's POST and PUT routes, found {endpoints.Count}: {string.Join(", ", endpoints)}");
        var errorsBefore = UnhandledErrors().Count;

        await Gen.Select(Gen.OneOf([.. endpoints]), Body, RouteValue, ContentType).SampleAsync(async (endpoint, body, routeValue, contentType) =>
        {
            var (method, template) = endpoint;
            var path = FillRoute(template, routeValue);
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent(body, Encoding.UTF8) };
            request.Content.Headers.ContentType = contentType is null ? null : System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
            var response = await admin.SendAsync(request);
            await AssertCleanAsync(response, $"{method} {path} {Shorten(body)}");
        }, seed: Seed, iter: 600, threads: 1, print: input => $"{input.Item1} {input.Item4} {Shorten(input.Item2)} {Shorten(input.Item3)}");

        Assert.Equal([], UnhandledErrors().Skip(errorsBefore));
    }

    private static async Task AssertCleanAsync(HttpResponseMessage response, string what)
    {
        var status = (int)response.StatusCode;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status < 500, $"{what} answered {status}: {Shorten(body)}");
        // A route value of ".." can take the request out of the API (to a console page): only the API owes the EXH body.
        var path = response.RequestMessage?.RequestUri?.AbsolutePath ?? "";
        if (status < 400 || !ApiPaths.IsApi(path)) return;
        JsonElement error;
        try
        {
            error = JsonDocument.Parse(body).RootElement;
        }
        catch (JsonException)
        {
            throw new Xunit.Sdk.XunitException($"{what} answered {status} without a JSON error body: '{Shorten(body)}'");
        }
        // The OAuth2 token endpoint has its own shape in the spec: the EXH error sits in exh_error, with a description.
        var nested = default(JsonElement);
        var oauth = error.ValueKind == JsonValueKind.Object && error.TryGetProperty("exh_error", out nested);
        var exh = oauth ? nested : error;
        Assert.True(exh.ValueKind == JsonValueKind.Object
                    && exh.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.Number
                    && exh.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String
                    && IsText(exh, oauth ? "description" : "message"),
            $"{what} answered {status} without the EXH error body (code, name, message): {Shorten(body)}");
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";

    private static bool IsText(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String;

    private List<string> UnhandledErrors() =>
        factory.Logs.Entries.Where(e => e.Level >= LogLevel.Error && e.Exception is not null)
            .Select(e => $"{e.Category}: {e.Message} {e.Exception!.GetType().Name}: {e.Exception.Message}").ToList();

    /// <summary>The API's POST and PUT routes, read from the app itself so that a new endpoint is fuzzed too.</summary>
    private List<(string Method, string Template)> WriteEndpoints() =>
        factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? [])
                .Where(m => m is "POST" or "PUT")
                .Select(m => (Method: m, Template: "/" + e.RoutePattern.RawText!.TrimStart('/'))))
            // The REST API; the console's pages (which take form posts) are not part of it.
            .Where(e => ApiPaths.IsApi(e.Template))
            .Distinct().OrderBy(e => e.Template, StringComparer.Ordinal).ThenBy(e => e.Method, StringComparer.Ordinal).ToList();

    private static string FillRoute(string template, string value)
    {
        var path = new StringBuilder();
        for (var i = 0; i < template.Length; i++)
        {
            if (template[i] != '{')
            {
                path.Append(template[i]);
                continue;
            }
            i = template.IndexOf('}', i);
            path.Append(Uri.EscapeDataString(value));
        }
        return path.ToString();
    }

    /// <summary>Escapes only what would change the URL's shape; RQL's own punctuation, and stray '%', go as they are.</summary>
    private static string ForUrl(string rql) =>
        rql.Replace(" ", "%20", StringComparison.Ordinal).Replace("#", "%23", StringComparison.Ordinal);

    /// <summary>Mostly JSON; sometimes what a careless client sends instead (none, text, a form).</summary>
    private static readonly Gen<string?> ContentType = Gen.Frequency(
        (6, Gen.Const<string?>("application/json")),
        (1, Gen.OneOf<string?>(null, "text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin1", "application/xml")));

    private static readonly Gen<string> RouteValue = Gen.OneOf(
        Gen.OneOf("echo", "noop", "000000000000000000000000", "ffffffffffffffffffffffff", "..", "a b", "%00", "x".PadLeft(300, 'x')),
        Gen.String[0, 30]);

    private static readonly Gen<string> RqlValue = Gen.OneOf(
        Gen.OneOf("1", "-5", "0.5", "1e309", "-0", "true", "false", "null", "string:5", "number:x", "date:x",
            "2026-01-01T00:00:00Z", "2026-13-45", "abc", "*", "%", "%2", "%zz", "_", "", "a%2Cb", "é", "%00", "\\", "'", "\""),
        Gen.Int.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        Gen.String[0, 12]);

    private static readonly Gen<string> RqlField = Gen.OneOf(
        Gen.OneOf("id", "status", "functionName", "priority", "startTimestamp", "creationTimestamp", "updateTimestamp",
            "tags", "data.a", "data.a.b.0", "data.", "data..x", "error.name", "error.message", "createdByUserId", "action",
            "timestamp", "name", "email", "nosuchfield", ""),
        Gen.String.AlphaNumeric);

    private static readonly Gen<string> RqlCondition = Gen.Select(
        Gen.OneOf("eq", "ne", "gt", "ge", "lt", "le", "like", "in", "out", "contains", "excludes", "nosuchop"),
        RqlField,
        RqlValue.Array[0, 4],
        (op, field, values) => $"{op}({string.Join(',', [field, .. values])})");

    private static readonly Gen<string> RqlFilter = Gen.Recursive<string>((depth, filter) => depth >= 3
        ? RqlCondition
        : Gen.Frequency(
            (4, RqlCondition),
            (1, Gen.Select(Gen.OneOf("and", "or"), filter.Array[0, 4], (op, parts) => $"{op}({string.Join(',', parts)})")),
            (1, filter.Select(inner => $"not({inner})"))));

    private static readonly Gen<string> RqlOption = Gen.OneOf(
        Gen.Select(Gen.OneOf("+", "-", ""), RqlField, (sign, field) => $"sort({sign}{field})"),
        Gen.Select(Gen.Int[-5, 5000], Gen.Int[-5, 100_000], (limit, offset) => $"limit({limit},{offset})"),
        Gen.OneOf("skipCount()", "limit()", "limit(x)", "select(id,status)", "select()", "sort()"));

    /// <summary>Well-formed RQL, then often broken by a few random edits, as a hand-typed or hostile query is.</summary>
    private static readonly Gen<string> Rql = Gen.Select(RqlFilter.Array[0, 3], RqlOption.Array[0, 3], Gen.Int[0, 4], Gen.Int, (filters, options, edits, seed) =>
    {
        var text = string.Join('&', [.. filters, .. options]);
        var random = new Random(seed);
        const string punctuation = "()&|,=!<>%\"'\\ ";
        for (var i = 0; i < edits && text.Length > 0; i++)
        {
            var at = random.Next(text.Length);
            text = random.Next(3) switch
            {
                0 => text.Remove(at, 1),
                1 => text.Insert(at, punctuation[random.Next(punctuation.Length)].ToString()),
                _ => text[..at],
            };
        }
        return text;
    });

    private static readonly Gen<JsonNode?> JsonLeaf = Gen.OneOf(
        Gen.OneOf<JsonNode?>(null, JsonValue.Create(true), JsonValue.Create(false), JsonValue.Create(0), JsonValue.Create(-1),
            JsonValue.Create(long.MaxValue), JsonValue.Create(1e308), JsonValue.Create(0.5), JsonValue.Create(""),
            JsonValue.Create("echo"), JsonValue.Create("2026-01-01T00:00:00Z"), JsonValue.Create("new"), JsonValue.Create("x".PadLeft(5000, 'x'))),
        Gen.String[0, 20].Select(s => (JsonNode?)JsonValue.Create(s)),
        Gen.Int.Select(i => (JsonNode?)JsonValue.Create(i)));

    /// <summary>Names the API's bodies use, so that generated values reach the checks behind them, plus strangers.</summary>
    private static readonly Gen<string> JsonName = Gen.OneOf(
        Gen.OneOf("name", "functionName", "data", "priority", "startTimestamp", "tags", "description", "timeLimit",
            "memoryLimit", "environmentVariables", "executionOptions", "retryPolicy", "enabled", "errorsToRetry",
            "retryDelays", "concurrencyLimit", "lambdaFunctionName", "qualifier", "code", "interval", "cron", "email",
            "password", "role", "url", "events", "query", "pinned", "shared", "grant_type", "username", "refresh_token",
            "value", "permissionMode", "defaultPriority", "expiresAt"),
        Gen.String.AlphaNumeric);

    private static readonly Gen<JsonNode?> Json = Gen.Recursive<JsonNode?>((depth, json) => depth >= 3
        ? JsonLeaf
        : Gen.Frequency(
            (3, JsonLeaf),
            (2, Gen.Select(JsonName, json, (name, value) => (name, value)).Array[0, 6].Select(members =>
            {
                var node = new JsonObject();
                foreach (var (name, value) in members) node[name] = value?.DeepClone();
                return (JsonNode?)node;
            })),
            (1, json.Array[0, 4].Select(items => (JsonNode?)new JsonArray([.. items.Select(i => i?.DeepClone())])))));

    private static readonly Gen<string> Body = Gen.Frequency(
        (8, Json.Select(node => node?.ToJsonString() ?? "null")),
        (1, Gen.OneOf("", "{", "[1,", "{\"name\":}", "nul", "\"\\ud800\"", "{\"a\":1,\"a\":2}", "{\"name\":\"\\u0000\"}")));
}
