using System.Security.Cryptography;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using Microsoft.Extensions.Time.Testing;
using TasksConsole.Core.Execution.LocalRuntime;

namespace TasksConsole.Tests.Execution.LocalRuntime;

public sealed class SigV4VerifierTests
{
    private const string KeyId = "LOCALTESTKEY0000001";
    private const string Secret = "local/test+secret0000000000000000000000";
    private static readonly DateTime Now = new(2026, 11, 27, 12, 0, 0, DateTimeKind.Utc);
    private static readonly Uri ArnUri = new("http://127.0.0.1:40123/2015-03-31/functions/" +
        Uri.EscapeDataString("arn:aws:lambda:us-east-1:000000000000:function:echo") + "/invocations?Qualifier=" + Uri.EscapeDataString("$LATEST"));

    private readonly SigV4Verifier _verifier = new([new SigV4Key(KeyId, Secret)], "lambda", new FakeTimeProvider(Now));

    [Fact]
    public void ARequestSignedByTheSdkSigner_Verifies()
    {
        var request = Sign();

        var verdict = _verifier.Verify(request.ToRequest());

        Assert.True(verdict.IsValid, verdict.Message);
        Assert.Equal(KeyId, verdict.AccessKeyId);
    }

    [Fact]
    public void ARequestSignedWithSessionCredentials_VerifiesWithTheTokenSigned()
    {
        var request = Sign(credentials: new SessionAWSCredentials(KeyId, Secret, "session-token"));

        Assert.Equal("session-token", request.Headers["X-Amz-Security-Token"]);
        Assert.True(_verifier.Verify(request.ToRequest()).IsValid);
    }

    [Fact]
    public void ATamperedBody_Fails()
    {
        var request = Sign() with { Body = """{"data":"tampered"}"""u8.ToArray() };

        AssertRefused(request, SigV4Verification.InvalidSignature);
    }

    [Fact]
    public void ATamperedBody_Fails_EvenWithAMatchingContentHashHeader()
    {
        var body = """{"data":"tampered"}"""u8.ToArray();
        var request = Sign() with { Body = body };
        request.Headers["X-Amz-Content-SHA256"] = Convert.ToHexStringLower(SHA256.HashData(body));

        AssertRefused(request, SigV4Verification.InvalidSignature);
    }

    [Fact]
    public void ATamperedSignedHeader_Fails()
    {
        var request = Sign();
        request.Headers["X-Amz-Invocation-Type"] = "Event";

        AssertRefused(request, SigV4Verification.InvalidSignature);
    }

    [Fact]
    public void AnUnsignedHeader_MayChange()
    {
        var request = Sign();
        request.Headers["User-Agent"] = "something-else/1.0";

        Assert.True(_verifier.Verify(request.ToRequest()).IsValid);
    }

    [Theory]
    [InlineData("/2015-03-31/functions/fail/invocations?Qualifier=%24LATEST")]
    [InlineData("/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Aecho/invocations?Qualifier=prod")]
    [InlineData("/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Aecho/invocations")]
    public void ATamperedPathOrQuery_Fails(string rawTarget)
    {
        var request = Sign() with { RawTarget = rawTarget };

        AssertRefused(request, SigV4Verification.InvalidSignature);
    }

    [Fact]
    public void AnotherHost_Fails()
    {
        var request = Sign();
        request.Headers["Host"] = "127.0.0.1:40124";

        AssertRefused(request, SigV4Verification.InvalidSignature);
    }

    [Fact]
    public void AWrongSecret_FailsAsInvalidSignature()
    {
        var request = Sign(credentials: new BasicAWSCredentials(KeyId, "wrong-secret"));

        var verdict = AssertRefused(request, SigV4Verification.InvalidSignature);
        Assert.StartsWith("The request signature we calculated does not match the signature you provided.", verdict.Message);
    }

    [Fact]
    public void AnUnknownKeyId_IsAnUnrecognizedClient()
    {
        var request = Sign(credentials: new BasicAWSCredentials("AKIDUNKNOWN", Secret));

        var verdict = AssertRefused(request, SigV4Verification.UnrecognizedClient);
        Assert.Equal("The security token included in the request is invalid.", verdict.Message);
    }

    [Fact]
    public void NoAuthorization_IsAMissingAuthenticationToken()
    {
        var request = Sign();
        request.Headers.Remove("Authorization");

        var verdict = AssertRefused(request, SigV4Verification.MissingAuthenticationToken);
        Assert.Equal("Missing Authentication Token", verdict.Message);
    }

    [Theory]
    [InlineData("Bearer abc")]
    [InlineData("AWS4-HMAC-SHA256 SignedHeaders=host, Signature=00")]
    [InlineData("AWS4-HMAC-SHA256 Credential=LOCALTESTKEY0000001/20261127/us-east-1, SignedHeaders=host, Signature=00")]
    public void AMalformedAuthorization_IsAnIncompleteSignature(string authorization)
    {
        var request = Sign();
        request.Headers["Authorization"] = authorization;

        AssertRefused(request, SigV4Verification.IncompleteSignature);
    }

    [Theory]
    [InlineData(-6, false)]
    [InlineData(-4, true)]
    [InlineData(4, true)]
    [InlineData(6, false)]
    public void TheSigningTime_MustBeWithinFiveMinutes(int minutesOff, bool valid)
    {
        var request = Sign(signedAt: Now.AddMinutes(minutesOff));

        var verdict = _verifier.Verify(request.ToRequest());

        Assert.Equal(valid, verdict.IsValid);
        if (!valid)
        {
            Assert.Equal(SigV4Verification.InvalidSignature, verdict.ErrorCode);
            Assert.StartsWith(minutesOff < 0 ? "Signature expired: " : "Signature not yet current: ", verdict.Message);
        }
    }

    [Fact]
    public void AChangedDateHeader_Fails()
    {
        var request = Sign();
        request.Headers["X-Amz-Date"] = "20261127T120001Z";

        AssertRefused(request, SigV4Verification.InvalidSignature);
    }

    [Fact]
    public void ASignatureForAnotherService_Fails()
    {
        var request = Sign(service: "execute-api");

        var verdict = AssertRefused(request, SigV4Verification.InvalidSignature);
        Assert.Contains("'lambda'", verdict.Message);
    }

    private SigV4Verification AssertRefused(SignedRequest request, string code)
    {
        var verdict = _verifier.Verify(request.ToRequest());
        Assert.False(verdict.IsValid);
        Assert.Equal(code, verdict.ErrorCode);
        Assert.Equal(403, verdict.StatusCode);
        return verdict;
    }

    private static SignedRequest Sign(AWSCredentials? credentials = null, DateTime? signedAt = null, string service = "lambda")
    {
        var body = """{"id":"65f0c0ffee0000000000abcd","data":{"x":1}}"""u8.ToArray();
        var signing = new AWSSigningRequest { HttpMethod = HttpMethod.Post, RequestUri = ArnUri, Content = body };
        signing.Headers["X-Amz-Invocation-Type"] = "RequestResponse";
        signing.Headers["X-Amz-Log-Type"] = "Tail";
        signing.Headers["Content-Type"] = "application/json";
        var signed = AWSSigV4Signer.Sign(signing, new AWSSigV4Parameters
        {
            Credentials = credentials ?? new BasicAWSCredentials(KeyId, Secret),
            Region = RegionEndpoint.USEast1,
            Service = service,
            SignedAt = signedAt ?? Now,
        });

        var headers = new Dictionary<string, string>(signing.Headers, StringComparer.OrdinalIgnoreCase) { ["Host"] = ArnUri.Authority };
        foreach (var (name, value) in signed.Headers) headers[name] = value;
        return new SignedRequest(ArnUri.PathAndQuery, headers, body);
    }

    private sealed record SignedRequest(string RawTarget, Dictionary<string, string> Headers, byte[] Body)
    {
        public SigV4Request ToRequest() => new("POST", "http", RawTarget, name => Headers.GetValueOrDefault(name), Body);
    }
}
