using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TasksConsole.Core.Execution.Lambda;

/// <summary>
/// A small Lambda Invoke client over HttpClient, signed with AWSSDK.Core's SigV4 signer (AWSSDK.Lambda is not
/// available to us). It signs the payload it already holds, where the SDK's signing handler would read the content
/// back, hash it again and copy the headers. Retries only what Lambda did not run: throttling, service faults and
/// connection failures before the request was sent. A timeout after sending is never retried, because the function
/// may have run.
/// </summary>
public sealed class LambdaInvoker(
    ILambdaConnectionSource connectionSource,
    IOptions<LambdaOptions> lambdaOptions,
    ILogger<LambdaInvoker> logger,
    Func<HttpMessageHandler>? transport = null) : ILambdaInvoker, IDisposable
{
    private readonly LambdaOptions _options = lambdaOptions.Value;
    private readonly SemaphoreSlim _clientGate = new(1, 1);
    private (LambdaConnection Connection, HttpClient Client)? _client;

    public async Task<LambdaInvokeResult> InvokeAsync(LambdaInvocation invocation, CancellationToken cancellationToken = default)
    {
        var (connection, client) = await GetClientAsync(cancellationToken);
        var uri = BuildUri(connection.Endpoint, invocation.Target);
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(invocation.Timeout);

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await SendAsync(connection, client, uri, invocation, budget.Token);
            }
            catch (LambdaServiceException ex) when (ex.IsRetryable && !ex.MayHaveRun && attempt < _options.MaxAttempts)
            {
                var delay = RetryDelay(ex, attempt);
                logger.LogInformation("Lambda {Function} answered {Status} {Code}; attempt {Attempt} again in {Delay} ms",
                    invocation.Target.FunctionName, ex.StatusCode, ex.ErrorCode, attempt + 1, delay.TotalMilliseconds);
                try
                {
                    await Task.Delay(delay, budget.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // Out of time between attempts: Lambda refused the last one, so nothing ran.
                    throw new LambdaServiceException(ex.StatusCode, ex.ErrorCode,
                        $"{ex.Message} (gave up: the {invocation.Timeout.TotalSeconds:0.#} s budget ran out before attempt {attempt + 1})",
                        ex.RequestId, ex.RetryAfter, mayHaveRun: false, inner: ex);
                }
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw new LambdaServiceException(0, "ClientTimeout",
                    $"No answer from Lambda within {invocation.Timeout.TotalSeconds:0.#} s; the function may have run.",
                    mayHaveRun: true, inner: ex);
            }
        }
    }

    private async Task<LambdaInvokeResult> SendAsync(LambdaConnection connection, HttpClient client, Uri uri, LambdaInvocation invocation,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, uri);
        request.Content = new ByteArrayContent(invocation.Payload);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var signing = new AWSSigningRequest { HttpMethod = HttpMethod.Post, RequestUri = uri, Content = invocation.Payload };
        signing.Headers["X-Amz-Invocation-Type"] = invocation.InvocationType.ToString();
        if (invocation.TailLog && invocation.InvocationType == LambdaInvocationType.RequestResponse)
        {
            signing.Headers["X-Amz-Log-Type"] = "Tail";
        }

        AWSSigningResult signed;
        try
        {
            signed = await AWSSigV4Signer.SignAsync(signing,
                new AWSSigV4Parameters { Credentials = connection.Credentials, Region = connection.Region, Service = "lambda" },
                cancellationToken);
        }
        catch (Exception ex) when (ex is AmazonClientException or AmazonServiceException)
        {
            // Resolving (or refreshing) the credentials failed, so nothing was sent.
            throw new LambdaServiceException(0, "CredentialsUnavailable", $"The request to Lambda could not be signed: {ex.Message}", inner: ex);
        }
        foreach (var (name, value) in signing.Headers) request.Headers.TryAddWithoutValidation(name, value);
        // The signature's own headers: Authorization, X-Amz-Date, X-Amz-Content-SHA256 and, with temporary credentials,
        // X-Amz-Security-Token.
        foreach (var (name, value) in signed.Headers) request.Headers.TryAddWithoutValidation(name, value);

        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            // Only a failure to connect proves the request never left; anything later may have reached the function.
            var notSent = ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError
                or HttpRequestError.SecureConnectionError;
            throw new LambdaServiceException(notSent ? 503 : 0, notSent ? "ConnectionFailed" : "ConnectionLost",
                $"Lambda could not be reached at {uri.GetLeftPart(UriPartial.Authority)}: {ex.Message}", mayHaveRun: !notSent, inner: ex);
        }

        using (response)
        {
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            var requestId = Header(response, "x-amzn-RequestId");
            if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Accepted or HttpStatusCode.NoContent)
            {
                return new LambdaInvokeResult(
                    (int)response.StatusCode,
                    Header(response, "X-Amz-Function-Error"),
                    DecodeLogTail(Header(response, "X-Amz-Log-Result")),
                    Header(response, "X-Amz-Executed-Version"),
                    requestId,
                    body);
            }
            throw ServiceError(response, body, requestId);
        }
    }

    private async Task<(LambdaConnection, HttpClient)> GetClientAsync(CancellationToken cancellationToken)
    {
        if (_client is { } ready) return ready;
        await _clientGate.WaitAsync(cancellationToken);
        try
        {
            if (_client is { } raced) return raced;
            LambdaConnection connection;
            try
            {
                connection = await connectionSource.GetAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Callers handle one failure type for "Invoke did not happen"; the next call tries the source again.
                throw new LambdaServiceException(0, "ConnectionUnavailable", $"No Lambda connection: {ex.Message}", inner: ex);
            }
            var inner = transport?.Invoke() ?? new SocketsHttpHandler
            {
                // A redirect would resend a signature made for another URL; keep-alive connections matter for long and
                // frequent calls.
                AllowAutoRedirect = false,
                PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
                MaxConnectionsPerServer = 512,
            };
            var client = new HttpClient(inner) { Timeout = Timeout.InfiniteTimeSpan };
            _client = (connection, client);
            return (connection, client);
        }
        finally
        {
            _clientGate.Release();
        }
    }

    public static Uri BuildUri(Uri endpoint, LambdaTarget target)
    {
        var path = $"2015-03-31/functions/{Uri.EscapeDataString(target.FunctionName)}/invocations";
        if (!string.IsNullOrEmpty(target.Qualifier)) path += "?Qualifier=" + Uri.EscapeDataString(target.Qualifier);
        return new Uri(endpoint, path);
    }

    /// <summary>
    /// The server's Retry-After wins when given (it knows when capacity returns); otherwise exponential backoff with
    /// jitter. Either way no single wait exceeds <see cref="LambdaOptions.MaxRetryDelay"/>.
    /// </summary>
    private TimeSpan RetryDelay(LambdaServiceException error, int attempt)
    {
        var delay = error.RetryAfter ?? TimeSpan.FromMilliseconds(200 * Math.Pow(2, attempt - 1) + Random.Shared.Next(0, 100));
        return delay > _options.MaxRetryDelay ? _options.MaxRetryDelay : delay;
    }

    private static LambdaServiceException ServiceError(HttpResponseMessage response, byte[] body, string? requestId)
    {
        string? code = ErrorCodeFromHeader(Header(response, "x-amzn-ErrorType"));
        string? message = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object) throw new JsonException("The error body is not a JSON object.");
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind != JsonValueKind.String) continue;
                if (property.NameEquals("message") || property.NameEquals("Message")) message ??= property.Value.GetString();
                if (code is null && (property.NameEquals("code") || property.NameEquals("__type"))) code = ErrorCodeFromHeader(property.Value.GetString());
            }
        }
        catch (JsonException)
        {
            message = Encoding.UTF8.GetString(body);
        }

        var status = (int)response.StatusCode;
        return new LambdaServiceException(
            status,
            code ?? $"Http{status}",
            string.IsNullOrWhiteSpace(message) ? $"Lambda answered HTTP {status}." : message,
            requestId,
            RetryAfter(response));
    }

    /// <summary>AWS error codes may carry a namespace (<c>a.b#Code</c>) and a suffix (<c>Code:http://…</c>).</summary>
    public static string? ErrorCodeFromHeader(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw)) return null;
        var code = raw.Split(',', ':')[0];
        var hash = code.LastIndexOf('#');
        return (hash >= 0 ? code[(hash + 1)..] : code).Trim();
    }

    /// <summary>
    /// Delta seconds, an HTTP date, or (leniently, as some proxies and emulators send) fractional seconds such as
    /// <c>0.5</c>, read with the invariant culture. Negative or unreadable values are ignored.
    /// </summary>
    internal static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter is { } retryAfter)
        {
            if (retryAfter.Delta is { } delta) return delta;
            if (retryAfter.Date is { } date) return date > DateTimeOffset.UtcNow ? date - DateTimeOffset.UtcNow : TimeSpan.Zero;
        }
        return Header(response, "Retry-After") is { } text
               && double.TryParse(text.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds)
               && seconds is >= 0 and < 86_400
            ? TimeSpan.FromSeconds(seconds)
            : null;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? values.FirstOrDefault()
            : null;

    private static string? DecodeLogTail(string? base64)
    {
        if (string.IsNullOrEmpty(base64)) return null;
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(base64));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        _client?.Client.Dispose();
        _clientGate.Dispose();
    }
}
