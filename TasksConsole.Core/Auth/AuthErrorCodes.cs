using TasksConsole.Core.Common;

namespace TasksConsole.Core.Auth;

/// <summary>
/// EXH auth-service codes reported in <c>exh_error</c> by the token endpoint. The numbers are those of the SDK's
/// error map (8.14.1), so <c>error.exhError</c> names the same failure a real EXH cluster would; HTTP statuses follow
/// OAuth2 (400), except the sign-in limit, which answers 429.
/// </summary>
public static class AuthErrorCodes
{
    /// <summary>Wrong email or password, or a disabled account (only reported after a correct password).</summary>
    public static readonly ErrorCode Authentication = new(106, "AUTHENTICATION_EXCEPTION", 400);

    public static readonly ErrorCode RefreshTokenUnknown = new(119, "REFRESH_TOKEN_UNKNOWN_EXCEPTION", 400);
    public static readonly ErrorCode RefreshTokenExpired = new(120, "REFRESH_TOKEN_EXPIRED_EXCEPTION", 400);
    public static readonly ErrorCode UnsupportedGrant = new(121, "UNSUPPORTED_GRANT_EXCEPTION", 400);
    public static readonly ErrorCode ClientIdUnknown = new(123, "OAUTH2_CLIENT_ID_EXCEPTION", 400);
    public static readonly ErrorCode ClientSecretInvalid = new(124, "OAUTH2_CLIENT_SECRET_EXCEPTION", 400);
    public static readonly ErrorCode MissingClientCredentials = new(126, "OAUTH2_MISSING_CLIENT_CREDENTIALS_EXCEPTION", 400);
    public static readonly ErrorCode TooManyFailedAttempts = new(213, "TOO_MANY_FAILED_ATTEMPTS_EXCEPTION", 429);
}
