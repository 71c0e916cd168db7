using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace TasksConsole.Bench.Infrastructure;

/// <summary>
/// A no-op function that counts its invocations per task, so that tasks run twice are counted where it matters, at
/// the function, whichever node invoked them. It answers Lambda's Invoke (<c>POST
/// /2015-03-31/functions/{name}/invocations</c>, 200 with <c>{}</c>) in the bench process on a free loopback port;
/// every node is configured with it as <c>Lambda:ServiceUrl</c>, and the function registered by the bench points at it.
/// </summary>
internal sealed class CountingFunction : IAsyncDisposable
{
    public const string Name = "bench-counting";
    private static readonly byte[] EmptyResult = "{}"u8.ToArray();

    private readonly WebApplication app;
    private readonly ConcurrentDictionary<string, int> invocations = new();

    private CountingFunction(WebApplication app, Uri endpoint)
    {
        this.app = app;
        Endpoint = endpoint;
    }

    public Uri Endpoint { get; }

    /// <summary>Configuration for a server to invoke its functions here (the invoker signs with these throwaway keys).</summary>
    public IReadOnlyList<string> ServerSettings =>
        [$"Lambda:ServiceUrl={Endpoint}", "Lambda:Region=us-east-1", "Lambda:AccessKeyId=AKIDBENCHCOUNTING", "Lambda:SecretAccessKey=not-a-real-secret"];

    public static async Task<CountingFunction> StartAsync(CancellationToken cancellationToken)
    {
        var port = FreeLoopbackPort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var function = new CountingFunction(app, new Uri($"http://127.0.0.1:{port}"));
        app.MapPost("/2015-03-31/functions/{name}/invocations", function.InvokeAsync);
        await app.StartAsync(cancellationToken);
        return function;
    }

    /// <summary>Registers the function on a server (the store is shared, so once for every node).</summary>
    public static async Task RegisterAsync(ApiClient api, CancellationToken cancellationToken)
    {
        using var response = await api.Http.PostAsJsonAsync("/tasks/v1/functions/", new { name = Name, lambdaFunctionName = Name, timeLimit = 30 }, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Registering '{Name}' answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }

    /// <summary>Tasks invoked once, tasks invoked more than once and the invocations beyond the first, among <paramref name="taskIds"/>.</summary>
    public (int Once, int Twice, int Extra) Count(IEnumerable<string> taskIds)
    {
        int once = 0, twice = 0, extra = 0;
        foreach (var id in taskIds)
        {
            var count = invocations.GetValueOrDefault(id);
            if (count == 1) once++;
            if (count > 1)
            {
                twice++;
                extra += count - 1;
            }
        }
        return (once, twice, extra);
    }

    public long Total => invocations.Values.Sum(v => (long)v);

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync(CancellationToken.None);
        await app.DisposeAsync();
    }

    private async Task InvokeAsync(HttpContext context)
    {
        using var task = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        if (task.RootElement.TryGetProperty("id", out var id) && id.GetString() is { } taskId)
        {
            invocations.AddOrUpdate(taskId, 1, (_, count) => count + 1);
        }
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(EmptyResult, context.RequestAborted);
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
