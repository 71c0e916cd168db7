using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Amazon;
using Amazon.Runtime;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TasksConsole.Core.Execution.Lambda;
using TasksConsole.Core.Execution.LocalRuntime;

namespace TasksConsole.Tests.Execution.Lambda;

public sealed class LambdaInvokerTests
{
    private const string KeyId = "AKIDINVOKERTEST";
    private const string Secret = "invoker-test-secret";
    private static readonly Uri Endpoint = new("https://lambda.eu-west-1.amazonaws.com/");
    private static readonly byte[] TaskPayload = """{"id":"65f0c0ffee0000000000abcd","functionName":"my-function","data":{"x":1}}"""u8.ToArray();

    [Fact]
    public async Task Invoke_ReturnsPayloadLogTailAndExecutedVersion_OnSuccess()
    {
        var log = "START RequestId: r-1 Version: 7\n2026-11-27T10:00:00.000Z\tr-1\tINFO\thello\nEND RequestId: r-1\n";
        var stub = new StubLambdaHandler((_, _) => StubLambdaHandler.Answer(200, """{"ok":true}""",
            ("X-Amz-Log-Result", Convert.ToBase64String(Encoding.UTF8.GetBytes(log))),
            ("X-Amz-Executed-Version", "7"),
            ("x-amzn-RequestId", "r-1")));
        using var invoker = CreateInvoker(stub);

        var result = await invoker.InvokeAsync(Invocation());

        Assert.Equal(200, result.StatusCode);
        Assert.False(result.IsFunctionError);
        Assert.Equal("""{"ok":true}""", Encoding.UTF8.GetString(result.Payload));
        Assert.Equal(log, result.LogTail);
        Assert.Equal("7", result.ExecutedVersion);
        Assert.Equal("r-1", result.RequestId);
        Assert.Equal(TaskPayload, Assert.Single(stub.Requests).Body);
    }

    [Theory]
    [InlineData("""{"errorType":"BoomError","errorMessage":"kaboom","trace":["BoomError: kaboom","    at handler (/var/task/index.js:3:9)"]}""",
        "BoomError", "kaboom", 2)]
    [InlineData("""{"errorType":"ValueError","errorMessage":"bad value","stackTrace":["  File \"/var/task/app.py\", line 4, in handler\n"],"requestId":"r"}""",
        "ValueError", "bad value", 1)]
    [InlineData("Internal crash: not JSON at all", "Unhandled", "Internal crash: not JSON at all", 0)]
    public async Task Invoke_ReportsFunctionErrors_FromNodePythonAndRawPayloads(string payload, string errorType, string message, int traceLines)
    {
        var stub = new StubLambdaHandler((_, _) => StubLambdaHandler.Answer(200, payload, ("X-Amz-Function-Error", "Unhandled")));
        using var invoker = CreateInvoker(stub);

        var result = await invoker.InvokeAsync(Invocation());

        Assert.Equal(200, result.StatusCode);
        Assert.True(result.IsFunctionError);
        Assert.Equal("Unhandled", result.FunctionError);
        var error = result.ParseFunctionError();
        Assert.Equal(errorType, error.ErrorType);
        Assert.Equal(message, error.ErrorMessage);
        Assert.Equal(traceLines, error.Trace.Count);
    }

    [Fact]
    public async Task Invoke_ReturnsAccepted_ForEventInvocations_WithoutAskingForTheLog()
    {
        var stub = new StubLambdaHandler((_, _) => StubLambdaHandler.Answer(202, null, ("x-amzn-RequestId", "r-event")));
        using var invoker = CreateInvoker(stub);

        var result = await invoker.InvokeAsync(Invocation() with { InvocationType = LambdaInvocationType.Event });

        Assert.Equal(202, result.StatusCode);
        Assert.Empty(result.Payload);
        Assert.Equal("r-event", result.RequestId);
        var request = Assert.Single(stub.Requests);
        Assert.Equal("Event", request.Header("X-Amz-Invocation-Type"));
        Assert.Null(request.Header("X-Amz-Log-Type"));
    }

    [Fact]
    public async Task Invoke_ReturnsNoContent_ForDryRun()
    {
        var stub = new StubLambdaHandler((_, _) => StubLambdaHandler.Answer(204));
        using var invoker = CreateInvoker(stub);

        var result = await invoker.InvokeAsync(Invocation() with { InvocationType = LambdaInvocationType.DryRun });

        Assert.Equal(204, result.StatusCode);
        Assert.False(result.IsFunctionError);
        Assert.Equal("DryRun", Assert.Single(stub.Requests).Header("X-Amz-Invocation-Type"));
    }

    [Theory]
    [InlineData("message")]
    [InlineData("Message")]
    public async Task Invoke_ThrowsResourceNotFound_WithTheCodeFromTheErrorTypeHeader(string messageKey)
    {
        var arn = "arn:aws:lambda:eu-west-1:123456789012:function:my-function";
        var stub = new StubLambdaHandler((_, _) => StubLambdaHandler.Answer(404, $$"""{"Type":"User","{{messageKey}}":"Function not found: {{arn}}"}""",
            ("x-amzn-ErrorType", "ResourceNotFoundException:http://internal.amazon.com/coral/com.amazonaws.awslambda.api/"),
            ("x-amzn-RequestId", "r-404")));
        using var invoker = CreateInvoker(stub);

        var error = await Assert.ThrowsAsync<LambdaServiceException>(() => invoker.InvokeAsync(Invocation()));

        Assert.Equal(404, error.StatusCode);
        Assert.Equal("ResourceNotFoundException", error.ErrorCode);
        Assert.Equal($"Function not found: {arn}", error.Message);
        Assert.Equal("r-404", error.RequestId);
        Assert.False(error.IsRetryable);
        Assert.False(error.MayHaveRun);
        Assert.Single(stub.Requests);
    }

    [Fact]
    public async Task Invoke_TakesTheErrorCodeFromTheBody_WhenTheHeaderIsMissing()
    {
        var stub = new StubLambdaHandler((_, _) => StubLambdaHandler.Answer(400,
            """{"__type":"com.amazonaws.awslambda#InvalidRequestContentException","message":"Could not parse request body into json"}"""));
        using var invoker = CreateInvoker(stub);

        var error = await Assert.ThrowsAsync<LambdaServiceException>(() => invoker.InvokeAsync(Invocation()));

        Assert.Equal("InvalidRequestContentException", error.ErrorCode);
        Assert.Equal("Could not parse request body into json", error.Message);
    }

    [Theory]
    [InlineData("<html><body>Bad Gateway</body></html>", "<html><body>Bad Gateway</body></html>")]
    [InlineData("[1,2]", "[1,2]")]
    [InlineData("", "Lambda answered HTTP 400.")]
    public async Task Invoke_KeepsAnUnreadableErrorBody_AsTheMessage(string body, string message)
    {
        var stub = new StubLambdaHandler((_, _) => StubLambdaHandler.Answer(400, body));
        using var invoker = CreateInvoker(stub);

        var error = await Assert.ThrowsAsync<LambdaServiceException>(() => invoker.InvokeAsync(Invocation()));

        Assert.Equal("Http400", error.ErrorCode);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public async Task Invoke_DoesNotRetry_AnInvalidSignature()
    {
        var stub = new StubLambdaHandler((_, _) => StubLambdaHandler.Answer(403,
            """{"message":"The request signature we calculated does not match the signature you provided."}""",
            ("x-amzn-ErrorType", "InvalidSignatureException")));
        using var invoker = CreateInvoker(stub, new LambdaOptions { MaxAttempts = 5, MaxRetryDelay = TimeSpan.FromMilliseconds(10) });

        var error = await Assert.ThrowsAsync<LambdaServiceException>(() => invoker.InvokeAsync(Invocation()));

        Assert.Equal(403, error.StatusCode);
        Assert.Equal("InvalidSignatureException", error.ErrorCode);
        Assert.StartsWith("The request signature we calculated", error.Message);
        Assert.False(error.IsRetryable);
        Assert.Single(stub.Requests);
    }

    [Fact]
    public async Task Invoke_RetriesThrottledCalls_HonouringRetryAfter()
    {
        var stub = new StubLambdaHandler((_, attempt) => attempt == 1
            ? StubLambdaHandler.Answer(429, """{"Reason":"ReservedFunctionConcurrentInvocationLimitExceeded","Type":"User","message":"Rate Exceeded."}""",
                ("x-amzn-ErrorType", "TooManyRequestsException"), ("Retry-After", "0.4"))
            : StubLambdaHandler.Answer(200, """{"ok":true}"""));
        using var invoker = CreateInvoker(stub);
        var clock = Stopwatch.StartNew();

        var result = await invoker.InvokeAsync(Invocation());

        Assert.Equal(200, result.StatusCode);
        Assert.Equal(2, stub.Requests.Count);
        // Fractional seconds are honoured as given, not rounded up to the invoker's own backoff.
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(380), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task Invoke_CapsRetryAfter_AtMaxRetryDelay()
    {
        var stub = new StubLambdaHandler((_, attempt) => attempt == 1
            ? StubLambdaHandler.Answer(429, """{"message":"Rate Exceeded."}""", ("x-amzn-ErrorType", "TooManyRequestsException"), ("Retry-After", "120"))
            : StubLambdaHandler.Answer(200, "{}"));
        using var invoker = CreateInvoker(stub, new LambdaOptions { MaxRetryDelay = TimeSpan.FromMilliseconds(20) });
        var clock = Stopwatch.StartNew();

        var result = await invoker.InvokeAsync(Invocation());

        Assert.Equal(200, result.StatusCode);
        Assert.Equal(2, stub.Requests.Count);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Invoke_GivesUp_WhenTheBudgetEndsWhileWaitingToRetry_WithoutClaimingTheFunctionRan()
    {
        var stub = new StubLambdaHandler((_, _) =>
            StubLambdaHandler.Answer(429, """{"message":"Rate Exceeded."}""", ("x-amzn-ErrorType", "TooManyRequestsException"), ("Retry-After", "30")));
        using var invoker = CreateInvoker(stub);

        var error = await Assert.ThrowsAsync<LambdaServiceException>(() =>
            invoker.InvokeAsync(Invocation() with { Timeout = TimeSpan.FromMilliseconds(200) }));

        Assert.Equal(429, error.StatusCode);
        Assert.Equal("TooManyRequestsException", error.ErrorCode);
        Assert.False(error.MayHaveRun);
        Assert.Single(stub.Requests);
    }

    [Theory]
    [InlineData(500, "ServiceException")]
    [InlineData(502, "ResourceNotReadyException")]
    public async Task Invoke_RetriesServiceFaults_UpToMaxAttempts_ThenThrows(int status, string code)
    {
        var stub = new StubLambdaHandler((_, _) => StubLambdaHandler.Answer(status, """{"Type":"Service","message":"try again"}""", ("x-amzn-ErrorType", code)));
        using var invoker = CreateInvoker(stub, new LambdaOptions { MaxAttempts = 3, MaxRetryDelay = TimeSpan.FromMilliseconds(5) });

        var error = await Assert.ThrowsAsync<LambdaServiceException>(() => invoker.InvokeAsync(Invocation()));

        Assert.Equal(status, error.StatusCode);
        Assert.Equal(code, error.ErrorCode);
        Assert.True(error.IsRetryable);
        Assert.False(error.MayHaveRun);
        Assert.Equal(3, stub.Requests.Count);
    }

    [Fact]
    public async Task Invoke_RetriesAConnectionRefusedBeforeSending()
    {
        var stub = new StubLambdaHandler((_, attempt) => attempt == 1
            ? throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (lambda.eu-west-1.amazonaws.com:443)",
                new SocketException((int)SocketError.ConnectionRefused))
            : StubLambdaHandler.Answer(200, "{}"));
        using var invoker = CreateInvoker(stub, new LambdaOptions { MaxRetryDelay = TimeSpan.FromMilliseconds(5) });

        var result = await invoker.InvokeAsync(Invocation());

        Assert.Equal(200, result.StatusCode);
        Assert.Equal(2, stub.Requests.Count);
    }

    [Fact]
    public async Task Invoke_ReportsAnUnreachableEndpoint_AfterRetryingOnARealSocket()
    {
        var closedPort = ClosedLoopbackPort();
        var attempts = 0;
        var transport = new CountingHandler(() => Interlocked.Increment(ref attempts), new SocketsHttpHandler { AllowAutoRedirect = false });
        using var invoker = new LambdaInvoker(
            new FixedConnection(new LambdaConnection(new Uri($"http://127.0.0.1:{closedPort}/"), RegionEndpoint.USEast1, new BasicAWSCredentials(KeyId, Secret))),
            Options.Create(new LambdaOptions { MaxAttempts = 3, MaxRetryDelay = TimeSpan.FromMilliseconds(5) }),
            NullLogger<LambdaInvoker>.Instance,
            () => transport);

        var error = await Assert.ThrowsAsync<LambdaServiceException>(() => invoker.InvokeAsync(Invocation()));

        Assert.Equal("ConnectionFailed", error.ErrorCode);
        Assert.False(error.MayHaveRun);
        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task Invoke_DoesNotRetry_AConnectionLostAfterSending()
    {
        var stub = new StubLambdaHandler((_, _) => throw new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely."));
        using var invoker = CreateInvoker(stub, new LambdaOptions { MaxRetryDelay = TimeSpan.FromMilliseconds(5) });

        var error = await Assert.ThrowsAsync<LambdaServiceException>(() => invoker.InvokeAsync(Invocation()));

        Assert.Equal("ConnectionLost", error.ErrorCode);
        Assert.True(error.MayHaveRun);
        Assert.Single(stub.Requests);
    }

    [Fact]
    public async Task Invoke_TimesOutWithoutRetrying_WhenNoAnswerComes_AndSaysTheFunctionMayHaveRun()
    {
        var stub = new StubLambdaHandler(async (_, _, cancellationToken) =>
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return StubLambdaHandler.Answer(200);
        });
        using var invoker = CreateInvoker(stub, new LambdaOptions { MaxAttempts = 5, MaxRetryDelay = TimeSpan.FromMilliseconds(5) });

        var error = await Assert.ThrowsAsync<LambdaServiceException>(() =>
            invoker.InvokeAsync(Invocation() with { Timeout = TimeSpan.FromMilliseconds(200) }));

        Assert.Equal("ClientTimeout", error.ErrorCode);
        Assert.True(error.MayHaveRun);
        Assert.False(error.IsRetryable);
        Assert.Single(stub.Requests);
    }

    [Fact]
    public async Task Invoke_LetsTheCallersCancellationThrough()
    {
        var stub = new StubLambdaHandler(async (_, _, cancellationToken) =>
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return StubLambdaHandler.Answer(200);
        });
        using var invoker = CreateInvoker(stub);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => invoker.InvokeAsync(Invocation(), cancel.Token));
    }

    [Fact]
    public async Task Invoke_ReportsAConnectionSourceFailure_AsAServiceExceptionThatDidNotRun()
    {
        var stub = new StubLambdaHandler((_, _) => StubLambdaHandler.Answer(200, "{}"));
        using var invoker = new LambdaInvoker(new FailingConnection(), Options.Create(new LambdaOptions()), NullLogger<LambdaInvoker>.Instance, () => stub);

        var error = await Assert.ThrowsAsync<LambdaServiceException>(() => invoker.InvokeAsync(Invocation()));

        Assert.Equal("ConnectionUnavailable", error.ErrorCode);
        Assert.Contains("Failed to resolve AWS credentials", error.Message);
        Assert.False(error.MayHaveRun);
        Assert.Empty(stub.Requests);
    }

    [Fact]
    public async Task Invoke_SendsLambdasRequestShape_SignedWithSigV4()
    {
        var stub = new StubLambdaHandler((_, _) => StubLambdaHandler.Answer(200, "{}"));
        using var invoker = CreateInvoker(stub);
        var arn = "arn:aws:lambda:eu-west-1:123456789012:function:my-function";

        await invoker.InvokeAsync(Invocation(new LambdaTarget(arn, "$LATEST")));

        var request = Assert.Single(stub.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal(
            "https://lambda.eu-west-1.amazonaws.com/2015-03-31/functions/arn%3Aaws%3Alambda%3Aeu-west-1%3A123456789012%3Afunction%3Amy-function/invocations?Qualifier=%24LATEST",
            request.Uri.AbsoluteUri);
        Assert.Equal("RequestResponse", request.Header("X-Amz-Invocation-Type"));
        Assert.Equal("Tail", request.Header("X-Amz-Log-Type"));
        Assert.Equal(TaskPayload, request.Body);

        var date = request.Header("X-Amz-Date")!;
        Assert.Matches(@"^\d{8}T\d{6}Z$", date);
        var authorization = request.Header("Authorization")!;
        Assert.StartsWith($"AWS4-HMAC-SHA256 Credential={KeyId}/{date[..8]}/eu-west-1/lambda/aws4_request, ", authorization);
        Assert.Contains("x-amz-invocation-type;x-amz-log-type", authorization);
        Assert.Matches("Signature=[0-9a-f]{64}$", authorization);
        Assert.True(Verify(request).IsValid);
    }

    [Fact]
    public async Task Invoke_SendsTheSessionToken_OfTemporaryCredentials_UnderTheSignature()
    {
        var stub = new StubLambdaHandler((_, _) => StubLambdaHandler.Answer(200, "{}"));
        using var invoker = new LambdaInvoker(
            new FixedConnection(new LambdaConnection(Endpoint, RegionEndpoint.EUWest1, new SessionAWSCredentials(KeyId, Secret, "session-token-1"))),
            Options.Create(new LambdaOptions()), NullLogger<LambdaInvoker>.Instance, () => stub);

        await invoker.InvokeAsync(Invocation());

        var request = Assert.Single(stub.Requests);
        Assert.Equal("session-token-1", request.Header("X-Amz-Security-Token"));
        Assert.Contains("x-amz-security-token", request.Header("Authorization"));
        Assert.True(Verify(request).IsValid);
    }

    [Fact]
    public async Task Invoke_ReportsCredentialsThatCannotBeResolved_AsNotRun_WithoutSending()
    {
        var stub = new StubLambdaHandler((_, _) => StubLambdaHandler.Answer(200, "{}"));
        using var invoker = new LambdaInvoker(
            new FixedConnection(new LambdaConnection(Endpoint, RegionEndpoint.EUWest1, new UnresolvableCredentials())),
            Options.Create(new LambdaOptions()), NullLogger<LambdaInvoker>.Instance, () => stub);

        var error = await Assert.ThrowsAsync<LambdaServiceException>(() => invoker.InvokeAsync(Invocation()));

        Assert.Equal("CredentialsUnavailable", error.ErrorCode);
        Assert.Contains("the instance profile did not answer", error.Message);
        Assert.False(error.MayHaveRun);
        Assert.Empty(stub.Requests);
    }

    [Fact]
    public async Task Invoke_SignsEachRetryAfresh()
    {
        var stub = new StubLambdaHandler((_, attempt) => attempt == 1
            ? StubLambdaHandler.Answer(429, """{"message":"Rate Exceeded."}""", ("x-amzn-ErrorType", "TooManyRequestsException"), ("Retry-After", "1.1"))
            : StubLambdaHandler.Answer(200, "{}"));
        using var invoker = CreateInvoker(stub);

        await invoker.InvokeAsync(Invocation());

        var (first, second) = (stub.Requests[0], stub.Requests[1]);
        Assert.NotEqual(first.Header("X-Amz-Date"), second.Header("X-Amz-Date"));
        Assert.NotEqual(first.Header("Authorization"), second.Header("Authorization"));
        // Each attempt carries a signature valid for its own timestamp, not a replay of the first.
        Assert.True(Verify(first).IsValid);
        Assert.True(Verify(second).IsValid);
    }

    [Theory]
    [InlineData("3", 3000)]
    [InlineData("0.05", 50)]
    [InlineData(" 1.5 ", 1500)]
    [InlineData("-1", null)]
    [InlineData("soon", null)]
    public void RetryAfter_ReadsDeltaSecondsAndFractions(string header, int? expectedMilliseconds)
    {
        using var response = StubLambdaHandler.Answer(429, null, ("Retry-After", header));

        var retryAfter = LambdaInvoker.RetryAfter(response);

        Assert.Equal(expectedMilliseconds, (int?)retryAfter?.TotalMilliseconds);
    }

    [Fact]
    public void RetryAfter_ReadsAnHttpDate()
    {
        using var response = StubLambdaHandler.Answer(429);
        response.Headers.RetryAfter = new RetryConditionHeaderValue(DateTimeOffset.UtcNow.AddSeconds(30));

        var retryAfter = LambdaInvoker.RetryAfter(response);

        Assert.InRange(retryAfter!.Value, TimeSpan.FromSeconds(25), TimeSpan.FromSeconds(31));
    }

    private static LambdaInvocation Invocation(LambdaTarget? target = null) =>
        new(target ?? new LambdaTarget("my-function"), TaskPayload, TimeSpan.FromSeconds(10));

    private static LambdaInvoker CreateInvoker(StubLambdaHandler stub, LambdaOptions? options = null) =>
        new(new FixedConnection(new LambdaConnection(Endpoint, RegionEndpoint.EUWest1, new BasicAWSCredentials(KeyId, Secret))),
            Options.Create(options ?? new LambdaOptions()),
            NullLogger<LambdaInvoker>.Instance,
            () => stub);

    /// <summary>Checks a recorded request with the local runtime's verifier, at the moment it was signed.</summary>
    private static SigV4Verification Verify(RecordedRequest request)
    {
        var signedAt = DateTime.ParseExact(request.Header("X-Amz-Date")!, "yyyyMMdd'T'HHmmss'Z'", null,
            System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal);
        var verifier = new SigV4Verifier([new SigV4Key(KeyId, Secret)], "lambda", new FakeTimeProvider(signedAt));
        return verifier.Verify(new SigV4Request(request.Method.Method, request.Uri.Scheme, request.Uri.PathAndQuery,
            name => name == "host" ? request.Uri.Authority : request.Header(name), request.Body));
    }

    private static int ClosedLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private sealed class FixedConnection(LambdaConnection connection) : ILambdaConnectionSource
    {
        public ValueTask<LambdaConnection> GetAsync(CancellationToken cancellationToken) => ValueTask.FromResult(connection);
    }

    /// <summary>Credentials whose refresh fails, as an expired role's do when instance metadata is unreachable.</summary>
    private sealed class UnresolvableCredentials : AWSCredentials
    {
        public override ImmutableCredentials GetCredentials() =>
            throw new AmazonClientException("Refreshing the credentials failed: the instance profile did not answer.");

        public override Task<ImmutableCredentials> GetCredentialsAsync() => Task.FromResult(GetCredentials());
    }

    private sealed class FailingConnection : ILambdaConnectionSource
    {
        public ValueTask<LambdaConnection> GetAsync(CancellationToken cancellationToken) =>
            throw new AmazonClientException("Failed to resolve AWS credentials. The credential providers used to search for credentials returned the following errors: ...");
    }

    private sealed class CountingHandler(Action onSend, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            onSend();
            return base.SendAsync(request, cancellationToken);
        }
    }
}
