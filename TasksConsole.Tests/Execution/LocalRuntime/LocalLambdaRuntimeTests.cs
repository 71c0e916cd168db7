using System.Diagnostics;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using TasksConsole.Core.Execution.Lambda;

namespace TasksConsole.Tests.Execution.LocalRuntime;

public sealed class LocalLambdaRuntimeTests(LocalRuntimeFixture fixture) : IClassFixture<LocalRuntimeFixture>
{
    [Fact]
    public async Task Echo_ReturnsTheTaskData_WithTheLogTailAndLambdaHeaders()
    {
        var result = await Invoke("echo", """{"id":"65f0c0ffee0000000000abcd","functionName":"echo","data":{"greeting":"hello"}}""");

        Assert.Equal(200, result.StatusCode);
        Assert.False(result.IsFunctionError);
        Assert.Equal("""{"echo":{"greeting":"hello"}}""", Encoding.UTF8.GetString(result.Payload));
        Assert.Equal("$LATEST", result.ExecutedVersion);
        Assert.True(Guid.TryParse(result.RequestId, out _));

        var lines = result.LogTail!.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal($"START RequestId: {result.RequestId} Version: $LATEST", lines[0]);
        Assert.Matches($@"^\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{{3}}Z\t{result.RequestId}\tINFO\techo: {{""greeting"":""hello""}}$", lines[1]);
        Assert.Equal($"END RequestId: {result.RequestId}", lines[^2]);
        Assert.StartsWith($"REPORT RequestId: {result.RequestId}\tDuration: ", lines[^1]);
    }

    [Theory]
    [InlineData("echo", "$LATEST")]
    [InlineData("echo:$LATEST", null)]
    [InlineData("arn:aws:lambda:us-east-1:123456789012:function:echo", "$LATEST")]
    [InlineData("arn:aws:lambda:eu-west-1:123456789012:function:echo:$LATEST", null)]
    [InlineData("123456789012:function:echo", null)]
    public async Task Invoke_AcceptsNamesQualifiersAndArns(string functionName, string? qualifier)
    {
        var result = await fixture.Invoker.InvokeAsync(Invocation(new LambdaTarget(functionName, qualifier), """{"data":{"n":1}}"""));

        Assert.Equal(200, result.StatusCode);
        Assert.Equal("""{"echo":{"n":1}}""", Encoding.UTF8.GetString(result.Payload));
    }

    [Fact]
    public async Task Noop_ReturnsAnEmptyObject_WithOnlyTheRuntimeLogLines()
    {
        var result = await Invoke("noop", "{}");

        Assert.Equal("{}", Encoding.UTF8.GetString(result.Payload));
        var lines = result.LogTail!.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Collection(lines,
            line => Assert.StartsWith("START ", line),
            line => Assert.StartsWith("END ", line),
            line => Assert.StartsWith("REPORT ", line));
    }

    [Fact]
    public async Task Sleep_SleepsForDataMs()
    {
        var clock = Stopwatch.StartNew();

        var result = await Invoke("sleep", """{"data":{"ms":150}}""");

        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(140), $"took {clock.Elapsed}");
        Assert.Equal("""{"slept":150}""", Encoding.UTF8.GetString(result.Payload));
    }

    [Theory]
    [InlineData("""{"data":{}}""", "DemoFailure", "The demo function failed on purpose.")]
    [InlineData("""{"data":{"errorName":"PaymentDeclined","message":"card expired"}}""", "PaymentDeclined", "card expired")]
    public async Task Fail_AnswersAFunctionError_NamedByTheData(string payload, string errorType, string message)
    {
        var result = await Invoke("fail", payload);

        Assert.Equal(200, result.StatusCode);
        Assert.Equal("Unhandled", result.FunctionError);
        var error = result.ParseFunctionError();
        Assert.Equal(errorType, error.ErrorType);
        Assert.Equal(message, error.ErrorMessage);
        Assert.Equal($"{errorType}: {message}", error.Trace[0]);
        Assert.Contains($"\tERROR\tInvoke Error \t{{\"errorType\":\"{errorType}\"", result.LogTail);
    }

    [Fact]
    public async Task Flaky_FailsUntilTheRetryChainIsLongEnough_ThenSucceeds()
    {
        var first = await Invoke("flaky", """{"id":"a","data":{"failTimes":2},"retryForTaskIds":[]}""");
        var second = await Invoke("flaky", """{"id":"b","data":{"failTimes":2},"retryForTaskIds":["a"]}""");
        var third = await Invoke("flaky", """{"id":"c","data":{"failTimes":2},"retryForTaskIds":["a","b"]}""");
        var defaults = await Invoke("flaky", """{"id":"d","data":{}}""");

        Assert.Equal("FlakyFailure", first.ParseFunctionError().ErrorType);
        Assert.Equal("FlakyFailure", second.ParseFunctionError().ErrorType);
        Assert.False(third.IsFunctionError);
        Assert.Equal("""{"attempt":3,"succeeded":true}""", Encoding.UTF8.GetString(third.Payload));
        Assert.Equal("FlakyFailure", defaults.ParseFunctionError().ErrorType);
    }

    [Fact]
    public async Task Timeout_IsCutOffAtItsTimeLimit_WithSandboxTimedout()
    {
        var clock = Stopwatch.StartNew();

        var result = await Invoke("timeout", "{}");

        // Not before the limit, give or take the timer: the runtime's cut-off is a timer, which may fire a fraction of a
        // millisecond before this Stopwatch has counted the limit out (it once read 299.85 ms for 300).
        Assert.InRange(clock.Elapsed, LocalRuntimeFixture.TimeoutFunctionLimit - TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(5));
        Assert.Equal("Unhandled", result.FunctionError);
        var error = result.ParseFunctionError();
        Assert.Equal("Sandbox.Timedout", error.ErrorType);
        Assert.Equal($"{result.RequestId} Task timed out after 0.30 seconds", error.ErrorMessage);
        Assert.Contains($"{result.RequestId} Task timed out after 0.30 seconds\n", result.LogTail);
        Assert.Contains("Status: timeout", result.LogTail);
    }

    [Fact]
    public async Task Event_IsAcceptedAndRunsInTheBackground()
    {
        var result = await fixture.Invoker.InvokeAsync(Invocation(new LambdaTarget("sleep"), """{"data":{"ms":2000}}""") with
        {
            InvocationType = LambdaInvocationType.Event,
        });

        Assert.Equal(202, result.StatusCode);
        Assert.Empty(result.Payload);
        Assert.Null(result.LogTail);
    }

    [Fact]
    public async Task DryRun_AnswersNoContent()
    {
        var result = await fixture.Invoker.InvokeAsync(Invocation(new LambdaTarget("fail"), "{}") with { InvocationType = LambdaInvocationType.DryRun });

        Assert.Equal(204, result.StatusCode);
        Assert.Empty(result.Payload);
    }

    [Fact]
    public async Task UnknownFunction_IsResourceNotFound()
    {
        var error = await Assert.ThrowsAsync<LambdaServiceException>(() => Invoke("no-such-function", "{}"));

        Assert.Equal(404, error.StatusCode);
        Assert.Equal("ResourceNotFoundException", error.ErrorCode);
        Assert.Equal("Function not found: arn:aws:lambda:us-east-1:000000000000:function:no-such-function", error.Message);
        Assert.NotNull(error.RequestId);
    }

    [Fact]
    public async Task NonJsonPayload_IsInvalidRequestContent()
    {
        var error = await Assert.ThrowsAsync<LambdaServiceException>(() => Invoke("echo", "this is not json"));

        Assert.Equal(400, error.StatusCode);
        Assert.Equal("InvalidRequestContentException", error.ErrorCode);
        Assert.StartsWith("Could not parse request body into json", error.Message);
    }

    [Fact]
    public async Task WrongSecret_IsRefusedAsInvalidSignature()
    {
        using var invoker = fixture.InvokerWith(new BasicAWSCredentials(fixture.Runtime.AccessKeyId, "not-the-secret"));

        var error = await Assert.ThrowsAsync<LambdaServiceException>(() => invoker.InvokeAsync(Invocation(new LambdaTarget("echo"), "{}")));

        Assert.Equal(403, error.StatusCode);
        Assert.Equal("InvalidSignatureException", error.ErrorCode);
        Assert.StartsWith("The request signature we calculated does not match", error.Message);
    }

    [Fact]
    public async Task UnknownAccessKey_IsRefusedAsUnrecognizedClient()
    {
        var secret = fixture.Runtime.Credentials.GetCredentials().SecretKey;
        using var invoker = fixture.InvokerWith(new BasicAWSCredentials("AKIDSOMEBODYELSE", secret));

        var error = await Assert.ThrowsAsync<LambdaServiceException>(() => invoker.InvokeAsync(Invocation(new LambdaTarget("echo"), "{}")));

        Assert.Equal(403, error.StatusCode);
        Assert.Equal("UnrecognizedClientException", error.ErrorCode);
        Assert.Equal("The security token included in the request is invalid.", error.Message);
    }

    [Fact]
    public async Task UnsignedRequest_IsRefusedAsMissingAuthenticationToken()
    {
        using var client = new HttpClient();

        using var response = await client.PostAsync(new Uri(fixture.Runtime.Endpoint!, "2015-03-31/functions/echo/invocations"), new StringContent("{}"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("MissingAuthenticationTokenException", response.Headers.GetValues("x-amzn-ErrorType").Single());
        Assert.Equal("""{"message":"Missing Authentication Token"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task StaleSignature_IsRefused()
    {
        using var client = new HttpClient();
        using var request = SignedRequest("echo", "{}", DateTime.UtcNow.AddMinutes(-10));

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("InvalidSignatureException", response.Headers.GetValues("x-amzn-ErrorType").Single());
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.StartsWith("Signature expired: ", body.RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public async Task FreshManualSignature_IsAccepted()
    {
        using var client = new HttpClient();
        using var request = SignedRequest("echo", """{"data":7}""", DateTime.UtcNow);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"echo":7}""", await response.Content.ReadAsStringAsync());
        Assert.False(response.Headers.Contains("X-Amz-Log-Result"));
    }

    [Fact]
    public async Task Runtime_ListensOnLoopbackOnly()
    {
        Assert.Equal(IPAddress.Loopback, fixture.Runtime.EndPoint!.Address);
        Assert.Equal("127.0.0.1", fixture.Runtime.Endpoint!.Host);

        // From any other address of this machine the port is closed.
        var outside = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .Where(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
            .ToList();
        foreach (var address in outside)
        {
            using var socket = new TcpClient();
            await Assert.ThrowsAnyAsync<SocketException>(() => socket.ConnectAsync(address, fixture.Runtime.EndPoint.Port));
        }
    }

    [Fact]
    public async Task FiftyParallelInvocations_AllSucceed()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Invoke("echo", "{\"data\":{\"i\":" + i + "}}")));

        Assert.All(results.Select((result, i) => (result, i)), pair =>
        {
            Assert.Equal(200, pair.result.StatusCode);
            Assert.Equal("{\"echo\":{\"i\":" + pair.i + "}}", Encoding.UTF8.GetString(pair.result.Payload));
        });
        Assert.Equal(50, results.Select(r => r.RequestId).Distinct().Count());
    }

    [Fact]
    public async Task Runtime_LogsWhereItListens_WithoutTheSecretOrPerRequestLines()
    {
        await Invoke("noop", "{}");
        var secret = fixture.Runtime.Credentials.GetCredentials().SecretKey;
        var started = Assert.Single(fixture.Logs.Entries, e => e.Message.Contains("built-in local runtime listening on"));
        Assert.Contains(fixture.Runtime.Endpoint!.ToString(), started.Message);
        Assert.DoesNotContain(fixture.Logs.Entries, e => e.Message.Contains(secret));
        Assert.DoesNotContain(fixture.Logs.Entries, e => e.Message.Contains("Now listening on"));
        Assert.DoesNotContain(fixture.Logs.Entries, e => e.Message.StartsWith("Request starting"));
    }

    private Task<LambdaInvokeResult> Invoke(string function, string payload) =>
        fixture.Invoker.InvokeAsync(Invocation(new LambdaTarget(function), payload));

    private static LambdaInvocation Invocation(LambdaTarget target, string payload) =>
        new(target, Encoding.UTF8.GetBytes(payload), TimeSpan.FromSeconds(30));

    private HttpRequestMessage SignedRequest(string function, string payload, DateTime signedAt)
    {
        var uri = new Uri(fixture.Runtime.Endpoint!, $"2015-03-31/functions/{function}/invocations");
        var body = Encoding.UTF8.GetBytes(payload);
        var signing = new AWSSigningRequest { HttpMethod = HttpMethod.Post, RequestUri = uri, Content = body };
        signing.Headers["X-Amz-Invocation-Type"] = "RequestResponse";
        var signed = AWSSigV4Signer.Sign(signing, new AWSSigV4Parameters
        {
            Credentials = fixture.Runtime.Credentials,
            Region = RegionEndpoint.USEast1,
            Service = "lambda",
            SignedAt = signedAt,
        });
        var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
        request.Headers.Add("X-Amz-Invocation-Type", "RequestResponse");
        foreach (var (name, value) in signed.Headers) request.Headers.TryAddWithoutValidation(name, value);
        return request;
    }
}
