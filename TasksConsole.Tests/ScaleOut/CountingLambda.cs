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

/// <summary>How the endpoint answers one call, for fault tests (see <see cref="CountingLambda.Script"/>).</summary>
public enum LambdaFault
{
    /// <summary>Runs the function and answers normally.</summary>
    None,

    /// <summary>429 TooManyRequestsException with <c>Retry-After: 1</c>: Lambda refused, nothing ran.</summary>
    Throttle,

    /// <summary>500 ServiceException: Lambda failed before running the function.</summary>
    ServiceError,

    /// <summary>The function runs, then the connection breaks after the headers and part of the body.</summary>
    ResetMidResponse,

    /// <summary>The function runs (the request was read), then the connection is dropped before any answer.</summary>
    DropBeforeAnswer,

    /// <summary>The function runs and never answers, until the caller gives up or the endpoint stops.</summary>
    Hang,
}

/// <summary>
/// A Lambda-compatible endpoint (<c>POST /2015-03-31/functions/{name}/invocations</c>, the event being the task)
/// that counts every invocation per task id: the one place that sees every node's calls, so "invoked exactly once"
/// is counted where it happens. It answers <c>{}</c>, after <c>data.sleepMs</c> when the task asks for a pause, or
/// as a function that threw (<c>X-Amz-Function-Error</c>, error type <see cref="FailureType"/>) when <c>data.fail</c> is true.
/// Signatures are not checked, as serverless-offline does not check them. A function may be scripted to fail
/// (<see cref="Script"/>): then <see cref="Calls"/> counts every request and <see cref="Invocations"/> only those that
/// reached the function (a refused 429 or 5xx did not run it; a broken or hung answer did).
/// </summary>
public sealed class CountingLambda : IAsyncDisposable
{
    /// <summary>The error type of the failures asked for with <c>data.fail</c>.</summary>
    public const string FailureType = "CountingFailure";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _invocations = new();
    private readonly ConcurrentDictionary<string, int> _calls = new();
    private readonly ConcurrentDictionary<string, Func<int, LambdaFault>> _scripts = new(StringComparer.Ordinal);

    private CountingLambda(WebApplication app) => _app = app;

    public Uri ServiceUrl { get; private set; } = null!;

    /// <summary>Invocations per task id so far: the calls that ran the function.</summary>
    public IReadOnlyDictionary<string, int> Invocations => _invocations;

    /// <summary>Every request per task id so far, refused ones included.</summary>
    public IReadOnlyDictionary<string, int> Calls => _calls;

    public int InvocationsOf(string taskId) => _invocations.GetValueOrDefault(taskId);

    public int CallsOf(string taskId) => _calls.GetValueOrDefault(taskId);

    /// <summary>
    /// From now on, calls to the Lambda function <paramref name="functionName"/> answer as <paramref name="faultForCall"/>
    /// says, given the call's number for its task (1 for the first).
    /// </summary>
    public void Script(string functionName, Func<int, LambdaFault> faultForCall) => _scripts[functionName] = faultForCall;

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
        app.MapPost("/2015-03-31/functions/{name}/invocations", (string name, HttpContext context) => lambda.InvokeAsync(name, context));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        lambda.ServiceUrl = new Uri(address);
        return lambda;
    }

    private async Task<IResult> InvokeAsync(string functionName, HttpContext context)
    {
        using var task = await JsonDocument.ParseAsync(context.Request.Body);
        var id = task.RootElement.GetProperty("id").GetString()!;
        var call = _calls.AddOrUpdate(id, 1, (_, count) => count + 1);
        var fault = _scripts.TryGetValue(functionName, out var script) ? script(call) : LambdaFault.None;
        switch (fault)
        {
            case LambdaFault.Throttle:
                context.Response.Headers.RetryAfter = "1";
                return Error(context, 429, "TooManyRequestsException", "Rate exceeded");
            case LambdaFault.ServiceError:
                return Error(context, 500, "ServiceException", "Lambda was unable to run the function (scripted fault).");
        }

        _invocations.AddOrUpdate(id, 1, (_, count) => count + 1);
        switch (fault)
        {
            case LambdaFault.ResetMidResponse:
                // Promise more than is sent, so the caller cannot mistake the cut for a whole answer.
                context.Response.ContentType = "application/json";
                context.Response.ContentLength = 64;
                await context.Response.Body.WriteAsync("{\"partial\":"u8.ToArray());
                await context.Response.Body.FlushAsync();
                context.Abort();
                return Results.Empty;
            case LambdaFault.DropBeforeAnswer:
                context.Abort();
                return Results.Empty;
            case LambdaFault.Hang:
                using (var hung = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _app.Lifetime.ApplicationStopping))
                {
                    try
                    {
                        await Task.Delay(Timeout.Infinite, hung.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        // The caller gave up (its timeout) or the endpoint is stopping.
                    }
                }
                context.Abort();
                return Results.Empty;
        }
        if (!task.RootElement.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
        {
            return Results.Text("{}", "application/json");
        }
        if (data.TryGetProperty("sleepMs", out var sleep)) await Task.Delay(sleep.GetInt32());
        if (data.TryGetProperty("fail", out var fail) && fail.ValueKind == JsonValueKind.True)
        {
            context.Response.Headers["X-Amz-Function-Error"] = "Unhandled";
            return Results.Text($$"""{"errorType":"{{FailureType}}","errorMessage":"Failed as asked."}""", "application/json");
        }
        return Results.Text("{}", "application/json");
    }

    /// <summary>A service error as Lambda sends it: the code in <c>x-amzn-ErrorType</c>, the message in the body.</summary>
    private static IResult Error(HttpContext context, int status, string type, string message)
    {
        context.Response.Headers["x-amzn-ErrorType"] = type;
        return Results.Json(new Dictionary<string, string> { ["Type"] = "Service", ["message"] = message }, statusCode: status);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
