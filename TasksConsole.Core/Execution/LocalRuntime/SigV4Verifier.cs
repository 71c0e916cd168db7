using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;

namespace TasksConsole.Core.Execution.LocalRuntime;

/// <summary>An access key the verifier accepts.</summary>
public sealed record SigV4Key(string AccessKeyId, string SecretAccessKey);

/// <summary>
/// A received request, as the wire carried it: <paramref name="RawTarget"/> is the path and query exactly as sent
/// (still percent-encoded), and <paramref name="Header"/> returns a header's values joined by commas, or null.
/// </summary>
public sealed record SigV4Request(string Method, string Scheme, string RawTarget, Func<string, string?> Header, byte[] Body);

/// <summary>The verdict, with the AWS error code and message to answer with when the request is refused.</summary>
public sealed record SigV4Verification(bool IsValid, string? AccessKeyId, string? ErrorCode, string? Message)
{
    public const string MissingAuthenticationToken = "MissingAuthenticationTokenException";
    public const string IncompleteSignature = "IncompleteSignatureException";
    public const string UnrecognizedClient = "UnrecognizedClientException";
    public const string InvalidSignature = "InvalidSignatureException";

    /// <summary>AWS answers every signature refusal with 403.</summary>
    public int StatusCode => IsValid ? 200 : 403;

    internal static SigV4Verification Valid(string accessKeyId) => new(true, accessKeyId, null, null);

    internal static SigV4Verification Refused(string code, string message) => new(false, null, code, message);
}

/// <summary>
/// Checks AWS Signature Version 4 headers the way the AWS front end does, for the local runtime. Rather than a second
/// implementation of the canonical request, it re-signs what was received with AWSSDK.Core's own signer (the one our
/// invoker uses, byte-identical to the JS SDK's) at the request's X-Amz-Date and compares the signatures.
/// </summary>
/// <remarks>
/// The body hash is always recomputed from the received body, never taken from <c>x-amz-content-sha256</c>, so a
/// tampered body cannot ride on the original hash. Limitations: header signing only (no presigned URLs), and a header
/// that AWSSDK.Core never signs (<c>user-agent</c>, <c>x-amzn-trace-id</c>) cannot be in the signed set.
/// </remarks>
public sealed class SigV4Verifier
{
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    private const string Algorithm = "AWS4-HMAC-SHA256";
    private const string AmzDateFormat = "yyyyMMdd'T'HHmmss'Z'";

    private const string SignatureMismatch =
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key " +
        "and signing method. Consult the service documentation for details.";

    private readonly Dictionary<string, AWSCredentials> _keys;
    private readonly string _service;
    private readonly TimeProvider _timeProvider;

    public SigV4Verifier(IEnumerable<SigV4Key> keys, string service, TimeProvider timeProvider)
    {
        _keys = keys.ToDictionary(k => k.AccessKeyId, AWSCredentials (k) => new BasicAWSCredentials(k.AccessKeyId, k.SecretAccessKey), StringComparer.Ordinal);
        _service = service;
        _timeProvider = timeProvider;
    }

    public SigV4Verification Verify(SigV4Request request)
    {
        var authorization = request.Header("authorization");
        if (string.IsNullOrWhiteSpace(authorization))
        {
            return SigV4Verification.Refused(SigV4Verification.MissingAuthenticationToken, "Missing Authentication Token");
        }
        if (!TryParseAuthorization(authorization, out var credential, out var signedHeaders, out var signature, out var incomplete))
        {
            return SigV4Verification.Refused(SigV4Verification.IncompleteSignature, incomplete);
        }

        // Credential = <key id>/<yyyyMMdd>/<region>/<service>/aws4_request
        var scope = credential.Split('/');
        if (scope.Length != 5 || scope.Any(string.IsNullOrEmpty))
        {
            return SigV4Verification.Refused(SigV4Verification.IncompleteSignature,
                $"Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '{credential}'");
        }
        var (keyId, scopeDate, region, service, terminator) = (scope[0], scope[1], scope[2], scope[3], scope[4]);
        if (!_keys.TryGetValue(keyId, out var credentials))
        {
            return SigV4Verification.Refused(SigV4Verification.UnrecognizedClient, "The security token included in the request is invalid.");
        }

        var amzDate = request.Header("x-amz-date");
        if (string.IsNullOrWhiteSpace(amzDate))
        {
            return SigV4Verification.Refused(SigV4Verification.IncompleteSignature,
                "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
        }
        if (!DateTime.TryParseExact(amzDate, AmzDateFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var signedAt))
        {
            return SigV4Verification.Refused(SigV4Verification.IncompleteSignature,
                $"Date must be in ISO-8601 'basic format'. Got '{amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601");
        }

        var now = _timeProvider.GetUtcNow().UtcDateTime;
        if (signedAt < now - MaxClockSkew)
        {
            return SigV4Verification.Refused(SigV4Verification.InvalidSignature,
                $"Signature expired: {amzDate} is now earlier than {Format(now - MaxClockSkew)} ({Format(now)} - 5 min.)");
        }
        if (signedAt > now + MaxClockSkew)
        {
            return SigV4Verification.Refused(SigV4Verification.InvalidSignature,
                $"Signature not yet current: {amzDate} is still later than {Format(now + MaxClockSkew)} ({Format(now)} + 5 min.)");
        }
        if (scopeDate != amzDate[..8])
        {
            return SigV4Verification.Refused(SigV4Verification.InvalidSignature,
                $"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{scopeDate}' != '{amzDate[..8]}', from 'X-Amz-Date'.");
        }
        if (service != _service)
        {
            return SigV4Verification.Refused(SigV4Verification.InvalidSignature, $"Credential should be scoped to correct service: '{_service}'. ");
        }
        if (terminator != "aws4_request")
        {
            return SigV4Verification.Refused(SigV4Verification.InvalidSignature,
                $"Credential should be scoped with a valid terminator: 'aws4_request', not '{terminator}'. ");
        }
        if (!signedHeaders.Contains("host"))
        {
            return SigV4Verification.Refused(SigV4Verification.InvalidSignature, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
        }

        var host = request.Header("host");
        if (string.IsNullOrEmpty(host) || !Uri.TryCreate($"{request.Scheme}://{host}{request.RawTarget}", UriKind.Absolute, out var uri))
        {
            return SigV4Verification.Refused(SigV4Verification.InvalidSignature, SignatureMismatch);
        }

        var signing = new AWSSigningRequest { HttpMethod = HttpMethod.Parse(request.Method), RequestUri = uri, Content = request.Body };
        foreach (var name in signedHeaders)
        {
            // The signer adds these itself: the date from SignedAt, the body hash from the received body.
            if (name is "x-amz-date" or "x-amz-content-sha256") continue;
            // A signed header that did not arrive is left out, which changes the signed set and so fails the comparison.
            if (request.Header(name) is { } value) signing.Headers[name] = value;
        }

        string expected;
        try
        {
            var signed = AWSSigV4Signer.Sign(signing, new AWSSigV4Parameters
            {
                Credentials = credentials,
                Region = RegionEndpoint.GetBySystemName(region),
                Service = service,
                SignedAt = signedAt,
            });
            expected = ReadSignature(signed.Headers["Authorization"]);
        }
        catch (Exception ex) when (ex is AmazonClientException or ArgumentException or FormatException)
        {
            return SigV4Verification.Refused(SigV4Verification.InvalidSignature, SignatureMismatch);
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature))
            ? SigV4Verification.Valid(keyId)
            : SigV4Verification.Refused(SigV4Verification.InvalidSignature, SignatureMismatch);
    }

    private static string Format(DateTime time) => time.ToString(AmzDateFormat, CultureInfo.InvariantCulture);

    private static string ReadSignature(string authorization)
    {
        const string marker = "Signature=";
        var at = authorization.LastIndexOf(marker, StringComparison.Ordinal);
        return at < 0 ? "" : authorization[(at + marker.Length)..].Trim();
    }

    /// <summary>Reads <c>AWS4-HMAC-SHA256 Credential=..., SignedHeaders=a;b, Signature=hex</c>.</summary>
    internal static bool TryParseAuthorization(string authorization, out string credential, out string[] signedHeaders, out string signature, out string problem)
    {
        credential = signature = problem = "";
        signedHeaders = [];
        var trimmed = authorization.Trim();
        if (!trimmed.StartsWith(Algorithm + " ", StringComparison.Ordinal))
        {
            var algorithm = trimmed.Split(' ', 2)[0];
            problem = $"Unsupported AWS 'algorithm': '{algorithm}'.";
            return false;
        }

        string? credentialPart = null, signedHeadersPart = null, signaturePart = null;
        foreach (var part in trimmed[(Algorithm.Length + 1)..].Split(','))
        {
            var pair = part.Trim();
            var equals = pair.IndexOf('=');
            if (equals <= 0) continue;
            var value = pair[(equals + 1)..].Trim();
            switch (pair[..equals].Trim())
            {
                case "Credential": credentialPart = value; break;
                case "SignedHeaders": signedHeadersPart = value; break;
                case "Signature": signaturePart = value; break;
            }
        }

        var missing = new List<string>();
        if (string.IsNullOrEmpty(credentialPart)) missing.Add("Authorization header requires 'Credential' parameter.");
        if (string.IsNullOrEmpty(signaturePart)) missing.Add("Authorization header requires 'Signature' parameter.");
        if (string.IsNullOrEmpty(signedHeadersPart)) missing.Add("Authorization header requires 'SignedHeaders' parameter.");
        if (missing.Count > 0)
        {
            problem = string.Join(" ", missing) + $" Authorization={authorization}";
            return false;
        }

        credential = credentialPart!;
        signature = signaturePart!;
        signedHeaders = signedHeadersPart!.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(h => h.ToLowerInvariant()).ToArray();
        return true;
    }
}
