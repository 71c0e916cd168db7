using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace TasksConsole.Bench.Infrastructure;

/// <summary>
/// One <see cref="HttpClient"/> for a whole scenario, signed in as the bootstrap admin through the OAuth2 password
/// grant, as the SDK does. Its connection pool is unbounded so that N concurrent clients really use N connections.
/// </summary>
internal sealed class ApiClient : IDisposable
{
    private const string ClientId = "tasksconsole-bench";

    private ApiClient(HttpClient http, string accessToken)
    {
        Http = http;
        AccessToken = accessToken;
    }

    public HttpClient Http { get; }

    /// <summary>The bearer token, for clients that cannot use <see cref="Http"/> (the SignalR hub connection).</summary>
    public string AccessToken { get; }

    public static async Task<ApiClient> SignInAsync(ServerProcess server, CancellationToken cancellationToken)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = int.MaxValue,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        var http = new HttpClient(handler) { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        try
        {
            using var response = await http.PostAsJsonAsync("/auth/v2/oauth2/tokens", new TokenRequest(
                ClientId, "password", ServerProcess.AdminEmail, server.AdminPassword), cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException(
                    $"Sign-in failed with {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
            }
            var token = await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken)
                        ?? throw new InvalidOperationException("The token endpoint answered an empty body.");
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.AccessToken);
            return new ApiClient(http, token.AccessToken);
        }
        catch
        {
            http.Dispose();
            throw;
        }
    }

    /// <summary>A GET whose body is read to the end (the server's serialization is part of what is measured).</summary>
    public async Task<(HttpStatusCode Status, byte[] Body)> GetAsync(string pathAndQuery, CancellationToken cancellationToken)
    {
        using var response = await Http.GetAsync(pathAndQuery, HttpCompletionOption.ResponseContentRead, cancellationToken);
        return (response.StatusCode, await response.Content.ReadAsByteArrayAsync(cancellationToken));
    }

    /// <summary>
    /// <c>page.total</c> of a list query (asked with <c>limit(1)</c>, so that only the count costs anything): how the
    /// scenarios that run tasks watch them finish, through the API as a client would.
    /// </summary>
    public async Task<long> CountAsync(string rql, CancellationToken cancellationToken)
    {
        var (status, body) = await GetAsync("/tasks/v1/?" + rql + "&limit(1)", cancellationToken);
        if (status != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"GET /tasks/v1/?{rql} answered {(int)status}: {System.Text.Encoding.UTF8.GetString(body)}");
        }
        return ReadPage(body).Total ?? throw new InvalidOperationException($"GET /tasks/v1/?{rql} answered no page.total.");
    }

    /// <summary>Creates one task; the answer is read to the end, and anything but success throws.</summary>
    public async Task CreateTaskAsync(byte[] jsonBody, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(jsonBody);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await Http.PostAsync("/tasks/v1/", content, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"POST /tasks/v1/ answered {(int)response.StatusCode}: {body}");
    }

    /// <summary>The body of <c>POST /tasks/v1/</c> for one task with one tag; no start means due now.</summary>
    public static byte[] TaskBody(string functionName, string tag, long sequence, DateTimeOffset? start = null) =>
        System.Text.Encoding.UTF8.GetBytes(
            $"{{\"functionName\":\"{functionName}\",\"data\":{{\"n\":{sequence}}},\"tags\":[\"{tag}\"]" +
            (start is { } at ? $",\"startTimestamp\":\"{RqlValues.Iso(at)}\"}}" : "}"));

    /// <summary>Creates tasks from the given bodies, <paramref name="concurrency"/> requests at a time.</summary>
    public Task CreateTasksAsync(IEnumerable<byte[]> jsonBodies, int concurrency, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(jsonBodies, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (body, ct) => await CreateTaskAsync(body, ct));

    /// <summary>Reads <c>page.total</c> and the number of items of a list answer.</summary>
    public static (long? Total, int Count) ReadPage(byte[] body)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        long? total = root.TryGetProperty("page", out var page) && page.TryGetProperty("total", out var t) && t.ValueKind == JsonValueKind.Number
            ? t.GetInt64()
            : null;
        var count = root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array ? data.GetArrayLength() : 0;
        return (total, count);
    }

    public void Dispose() => Http.Dispose();

    private sealed record TokenRequest(
        [property: JsonPropertyName("client_id")] string ClientId,
        [property: JsonPropertyName("grant_type")] string GrantType,
        [property: JsonPropertyName("username")] string Username,
        [property: JsonPropertyName("password")] string Password);

    private sealed record TokenResponse([property: JsonPropertyName("access_token")] string AccessToken);
}
