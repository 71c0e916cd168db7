using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TasksConsole.Tests.ScaleOut;

/// <summary>
/// A Lambda-compatible endpoint (<c>POST /2015-03-31/functions/{name}/invocations</c>, the event being the task)
/// that counts every invocation per task id: the one place that sees every node's calls, so "invoked exactly once"
/// is counted where it happens. It answers <c>{}</c>, after <c>data.sleepMs</c> when the task asks for a pause, or
/// as a function that threw (<c>X-Amz-Function-Error</c>, error type <see cref="FailureType"/>) when <c>data.fail</c> is true.
/// Signatures are not checked, as serverless-offline does not check them.
/// </summary>
public sealed class CountingLambda : IAsyncDisposable
{
    /// <summary>The error type of the failures asked for with <c>data.fail</c>.</summary>
    public const string FailureType = "CountingFailure";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _invocations = new();

    private CountingLambda(WebApplication app) => _app = app;

    public Uri ServiceUrl { get; private set; } = null!;

    /// <summary>Invocations per task id so far.</summary>
    public IReadOnlyDictionary<string, int> Invocations => _invocations;

    public int InvocationsOf(string taskId) => _invocations.GetValueOrDefault(taskId);

    /// <summary>The node settings that send every invocation here.</summary>
    public Dictionary<string, string?> NodeSettings() => new()
    {
        ["Lambda:ServiceUrl"] = ServiceUrl.ToString().TrimEnd('/'),
        ["Lambda:Region"] = "us-east-1",
        ["Lambda:AccessKeyId"] = "counting",
        ["Lambda:SecretAccessKey"] = "counting",
    };

    public static async Task<CountingLambda> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var lambda = new CountingLambda(app);
        app.MapPost("/2015-03-31/functions/{name}/invocations", lambda.InvokeAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        lambda.ServiceUrl = new Uri(address);
        return lambda;
    }

    private async Task<IResult> InvokeAsync(HttpRequest request, HttpResponse response)
    {
        using var task = await JsonDocument.ParseAsync(request.Body);
        var id = task.RootElement.GetProperty("id").GetString()!;
        _invocations.AddOrUpdate(id, 1, (_, count) => count + 1);
        if (!task.RootElement.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
        {
            return Results.Text("{}", "application/json");
        }
        if (data.TryGetProperty("sleepMs", out var sleep)) await Task.Delay(sleep.GetInt32());
        if (data.TryGetProperty("fail", out var fail) && fail.ValueKind == JsonValueKind.True)
        {
            response.Headers["X-Amz-Function-Error"] = "Unhandled";
            return Results.Text($$"""{"errorType":"{{FailureType}}","errorMessage":"Failed as asked."}""", "application/json");
        }
        return Results.Text("{}", "application/json");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
