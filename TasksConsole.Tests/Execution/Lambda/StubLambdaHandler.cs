using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace TasksConsole.Tests.Execution.Lambda;

/// <summary>A request as the transport saw it, copied before the invoker disposes the message.</summary>
public sealed record RecordedRequest(HttpMethod Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string? Header(string name) => Headers.GetValueOrDefault(name);
}

/// <summary>
/// Stands in for Lambda below the signing handler, so tests see exactly what would go on the wire and answer with
/// whatever status and headers the case needs. The responder gets the request and its 1-based attempt number.
/// </summary>
public sealed class StubLambdaHandler(Func<RecordedRequest, int, CancellationToken, Task<HttpResponseMessage>> respond) : HttpMessageHandler
{
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private int _attempts;

    public StubLambdaHandler(Func<RecordedRequest, int, HttpResponseMessage> respond)
        : this((request, attempt, _) => Task.FromResult(respond(request, attempt)))
    {
    }

    public IReadOnlyList<RecordedRequest> Requests => _requests.ToArray();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var headers = request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
            .ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        var recorded = new RecordedRequest(request.Method, request.RequestUri!, headers, body);
        _requests.Enqueue(recorded);
        var response = await respond(recorded, Interlocked.Increment(ref _attempts), cancellationToken);
        response.RequestMessage = request;
        return response;
    }

    public static HttpResponseMessage Answer(int status, string? body = null, params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage((HttpStatusCode)status) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body ?? "")) };
        foreach (var (name, value) in headers)
        {
            if (!response.Headers.TryAddWithoutValidation(name, value)) response.Content.Headers.TryAddWithoutValidation(name, value);
        }
        return response;
    }
}
