using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Common;
using TasksConsole.Web.Api;

namespace TasksConsole.Web.Auth;

/// <summary>The token request, as JSON (what the SDK sends) or as an OAuth2 form.</summary>
public sealed record TokenRequest(
    [property: JsonPropertyName("grant_type")] string? GrantType,
    [property: JsonPropertyName("username")] string? Username,
    [property: JsonPropertyName("password")] string? Password,
    [property: JsonPropertyName("refresh_token")] string? RefreshToken,
    [property: JsonPropertyName("client_id")] string? ClientId,
    [property: JsonPropertyName("client_secret")] string? ClientSecret) : IJsonRequest<TokenRequest>
{
    public static int MaxBytes => 16 * 1024;

    public static TokenRequest Read(JsonElement body) => new(
        JsonBody.OptionalString(body, "grant_type", 64),
        JsonBody.OptionalString(body, "username", UserService.MaxEmailLength),
        JsonBody.OptionalString(body, "password", UserService.MaxPasswordLength),
        JsonBody.OptionalString(body, "refresh_token", OpaqueToken.MaxLength),
        JsonBody.OptionalString(body, "client_id", OAuthTokenEndpoint.MaxClientIdLength),
        JsonBody.OptionalString(body, "client_secret", 1024));
}

/// <summary>Snake_case, as OAuth2 and the SDK (which camelizes it) expect.</summary>
public sealed record TokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_in")] long ExpiresIn,
    [property: JsonPropertyName("refresh_token")] string RefreshToken,
    [property: JsonPropertyName("user_id")] string UserId,
    [property: JsonPropertyName("application_id")] string? ApplicationId);

public sealed record ExhError(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("code")] int Code);

/// <summary>
/// The EXH OAuth2 error: the SDK picks its error class from <c>error</c>. The throttling answer also carries the
/// plain EXH fields (<c>code</c> 213), so the SDK reports a TooManyFailedAttemptsError rather than a generic one.
/// </summary>
public sealed record OAuthErrorBody(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("exh_error")] ExhError ExhError,
    [property: JsonPropertyName("code")] int? Code = null,
    [property: JsonPropertyName("name")] string? Name = null,
    [property: JsonPropertyName("message")] string? Message = null);

public static class OAuthTokenEndpoint
{
    public const string Path = "/auth/v2/oauth2/tokens";
    internal const int MaxClientIdLength = 256;

    public static IEndpointRouteBuilder MapOAuthTokenEndpoint(this IEndpointRouteBuilder app)
    {
        app.MapPost(Path, IssueTokensAsync)
            .AllowAnonymous()
            .WithTags("Auth")
            .WithName("IssueOAuth2Tokens")
            .WithSummary("Issue OAuth2 tokens (password and refresh_token grants)")
            .WithDescription(
                "EXH-compatible token endpoint. Refresh tokens rotate: each refresh returns a new one and the old one " +
                "stops working. Errors use the OAuth2 shape {error, description, exh_error}; repeated failed sign-ins " +
                "answer 429 with Retry-After. An account whose password must be changed first (the generated bootstrap " +
                "password) is refused with code 27 until it is changed in the console.")
            .Accepts<TokenRequest>("application/json", "application/x-www-form-urlencoded")
            .Produces<OAuthErrorBody>(StatusCodes.Status400BadRequest)
            .Produces<OAuthErrorBody>(StatusCodes.Status429TooManyRequests);
        return app;
    }

    internal static async Task<Results<Ok<TokenResponse>, JsonHttpResult<OAuthErrorBody>>> IssueTokensAsync(
        HttpContext http,
        SignInService signIn,
        OAuthTokenService tokens,
        IOptions<AuthOptions> options,
        CancellationToken cancellationToken)
    {
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.Pragma = "no-cache";

        TokenRequest request;
        try
        {
            request = await ReadRequestAsync(http.Request, cancellationToken);
        }
        catch (ServiceException ex)
        {
            return Error("invalid_request", ex.Error, ex.Message);
        }

        var (clientId, clientError) = AuthenticateClient(http.Request, request, options.Value.OAuthClients);
        if (clientError is not null) return clientError;

        return request.GrantType switch
        {
            "password" => await PasswordGrantAsync(http, request, clientId, signIn, tokens, cancellationToken),
            "refresh_token" => await RefreshGrantAsync(request, clientId, tokens, cancellationToken),
            null or "" => Error("invalid_request", ErrorCode.MissingRequiredFields, "grant_type is required."),
            _ => Error("unsupported_grant_type", AuthErrorCodes.UnsupportedGrant,
                $"Grant type '{request.GrantType}' is not supported; use 'password' or 'refresh_token'."),
        };
    }

    private static async Task<Results<Ok<TokenResponse>, JsonHttpResult<OAuthErrorBody>>> PasswordGrantAsync(
        HttpContext http, TokenRequest request, string? clientId, SignInService signIn, OAuthTokenService tokens, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.Username) || string.IsNullOrEmpty(request.Password))
        {
            return Error("invalid_request", ErrorCode.MissingRequiredFields, "username and password are required.");
        }
        // The JSON reader already refuses these; a form reaches here with any length.
        if (request.Username.Length > UserService.MaxEmailLength)
        {
            return Error("invalid_request", ErrorCode.FieldFormat, $"Field 'username' is longer than {UserService.MaxEmailLength} characters.");
        }
        if (request.Password.Length > UserService.MaxPasswordLength)
        {
            return Error("invalid_request", ErrorCode.FieldFormat, $"Field 'password' is longer than {UserService.MaxPasswordLength} characters.");
        }

        var result = await signIn.SignInAsync(request.Username, request.Password, http.Connection.RemoteIpAddress?.ToString(), cancellationToken);
        switch (result.Status)
        {
            case SignInStatus.Success when result.User!.MustChangePassword:
                // The password is a generated one from a file; it only opens the console's change-password page.
                return Error("invalid_grant", ErrorCode.IllegalState,
                    "This account must choose a new password first: sign in to the console, which asks for one.");
            case SignInStatus.Success:
                var pair = await tokens.IssuePairAsync(result.User!.Id, clientId, cancellationToken);
                return TypedResults.Ok(ToResponse(pair));
            case SignInStatus.Throttled:
                var seconds = (long)Math.Ceiling(result.RetryAfter.TotalSeconds);
                http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                var message = $"Too many failed sign-ins; try again in {seconds} seconds.";
                var code = AuthErrorCodes.TooManyFailedAttempts;
                return TypedResults.Json(
                    new OAuthErrorBody("invalid_grant", message, new ExhError(code.Name, message, code.Code), code.Code, code.Name, message),
                    ApiJson.Options, statusCode: code.HttpStatus);
            case SignInStatus.Disabled:
                return Error("invalid_grant", AuthErrorCodes.Authentication, "This account is disabled.");
            default:
                return Error("invalid_grant", AuthErrorCodes.Authentication, "The email or password is not correct.");
        }
    }

    private static async Task<Results<Ok<TokenResponse>, JsonHttpResult<OAuthErrorBody>>> RefreshGrantAsync(
        TokenRequest request, string? clientId, OAuthTokenService tokens, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.RefreshToken))
        {
            return Error("invalid_request", ErrorCode.MissingRequiredFields, "refresh_token is required.");
        }

        var result = await tokens.RefreshAsync(request.RefreshToken, clientId, cancellationToken);
        return result.Status switch
        {
            RefreshStatus.Success => TypedResults.Ok(ToResponse(result.Tokens!)),
            RefreshStatus.Expired => Error("invalid_grant", AuthErrorCodes.RefreshTokenExpired, "The refresh token has expired; sign in again."),
            RefreshStatus.Reused => Error("invalid_grant", AuthErrorCodes.RefreshTokenUnknown, "The refresh token was already used; sign in again."),
            RefreshStatus.ClientMismatch => Error("invalid_grant", AuthErrorCodes.RefreshTokenUnknown, "The refresh token was issued to another client."),
            RefreshStatus.UserDisabled => Error("invalid_grant", AuthErrorCodes.Authentication, "This account is disabled."),
            _ => Error("invalid_grant", AuthErrorCodes.RefreshTokenUnknown, "The refresh token is not known."),
        };
    }

    /// <summary>
    /// Resolves the client from HTTP Basic or the body. With no clients configured any id (or none) passes; with
    /// a list, the id must be on it and a confidential client must present its secret.
    /// </summary>
    private static (string? ClientId, JsonHttpResult<OAuthErrorBody>? Error) AuthenticateClient(
        HttpRequest http, TokenRequest request, IReadOnlyList<OAuthClientOptions> clients)
    {
        var clientId = request.ClientId;
        var clientSecret = request.ClientSecret;
        if (TryReadBasicCredentials(http, out var basicId, out var basicSecret))
        {
            if (clientId is not null && clientId != basicId)
            {
                return (null, Error("invalid_client", AuthErrorCodes.ClientIdUnknown, "client_id differs from the HTTP Basic credentials."));
            }
            clientId = basicId;
            clientSecret = basicSecret;
        }
        if (clientId is { Length: 0 }) clientId = null;
        if (clientId is { Length: > MaxClientIdLength })
        {
            return (null, Error("invalid_client", AuthErrorCodes.ClientIdUnknown, "client_id is too long."));
        }

        if (clients.Count == 0) return (clientId, null);

        if (clientId is null)
        {
            return (null, Error("invalid_client", AuthErrorCodes.MissingClientCredentials, "client_id is required."));
        }
        var client = clients.FirstOrDefault(c => string.Equals(c.ClientId, clientId, StringComparison.Ordinal));
        if (client is null)
        {
            return (null, Error("invalid_client", AuthErrorCodes.ClientIdUnknown, $"Client '{clientId}' is not registered."));
        }
        if (!string.IsNullOrEmpty(client.ClientSecret))
        {
            if (string.IsNullOrEmpty(clientSecret))
            {
                return (null, Error("invalid_client", AuthErrorCodes.MissingClientCredentials, "This client must authenticate with its client_secret."));
            }
            if (!SecretsEqual(client.ClientSecret, clientSecret))
            {
                return (null, Error("invalid_client", AuthErrorCodes.ClientSecretInvalid, "The client secret is not correct."));
            }
        }
        return (clientId, null);
    }

    /// <summary>
    /// Read here rather than bound as a parameter: the body may be a form, and a bad one is answered in the OAuth2
    /// error shape, not the plain EXH one.
    /// </summary>
    private static async Task<TokenRequest> ReadRequestAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.HasFormContentType)
        {
            var form = await SignInForm.TryReadAsync(request, cancellationToken)
                ?? throw new ServiceException(ErrorCode.BodyFormat, $"The token request must be a well-formed form of at most {SignInForm.MaxBytes} bytes.");
            string? Field(string name)
            {
                var values = form[name];
                // OAuth2 forbids repeating a parameter; taking the first of two could hide an injected value.
                if (values.Count > 1) throw new ServiceException(ErrorCode.BodyFormat, $"Parameter '{name}' appears more than once.");
                return values.Count == 1 ? values[0] : null;
            }
            return new TokenRequest(Field("grant_type"), Field("username"), Field("password"), Field("refresh_token"),
                Field("client_id"), Field("client_secret"));
        }

        if (request.ContentLength > 0 && !request.HasJsonContentType())
        {
            throw new ServiceException(ErrorCode.BodyFormat, "Send the token request as application/json or application/x-www-form-urlencoded.");
        }
        return await JsonBody.ReadAsync<TokenRequest>(request);
    }

    /// <summary>
    /// Reads <c>Basic base64(id:secret)</c>. The SDK sends id and secret without the form-encoding RFC 6749 asks
    /// for, so they are taken as they are.
    /// </summary>
    private static bool TryReadBasicCredentials(HttpRequest request, out string clientId, out string clientSecret)
    {
        clientId = clientSecret = "";
        var header = request.Headers[HeaderNames.Authorization].ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)) return false;
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
            var colon = decoded.IndexOf(':');
            if (colon < 0) return false;
            clientId = decoded[..colon];
            clientSecret = decoded[(colon + 1)..];
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>Compares hashes so that neither the content nor the length of the secret leaks through timing.</summary>
    private static bool SecretsEqual(string expected, string actual) =>
        CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(expected)),
            SHA256.HashData(Encoding.UTF8.GetBytes(actual)));

    private static TokenResponse ToResponse(IssuedTokenPair pair) =>
        new(pair.AccessToken, "bearer", (long)pair.ExpiresIn.TotalSeconds, pair.RefreshToken, pair.UserId, pair.ClientId);

    private static JsonHttpResult<OAuthErrorBody> Error(string error, ErrorCode exhError, string description) =>
        TypedResults.Json(
            new OAuthErrorBody(error, description, new ExhError(exhError.Name, description, exhError.Code)),
            ApiJson.Options,
            statusCode: StatusCodes.Status400BadRequest);
}
