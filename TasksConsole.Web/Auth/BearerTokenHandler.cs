using TasksConsole.Web.Live;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Common;
using TasksConsole.Web.Api;

namespace TasksConsole.Web.Auth;

/// <summary>
/// Validates opaque bearer tokens (OAuth access tokens and API tokens). A bad token is not an error here: the
/// request goes on unauthenticated with the reason in <see cref="ApiAuthorization.AuthErrorItem"/>, and the
/// endpoint's permission filter answers 117/118, which is what makes the SDK refresh and replay.
/// </summary>
public sealed class BearerTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    BearerTokenValidator tokens,
    IMemoryCache cache,
    AuthRevision revision,
    TimeProvider clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>Short enough that a revocation on another node is honoured soon; local ones bump <see cref="AuthRevision"/>.</summary>
    private static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(30);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!TryReadBearerToken(Request, out var token)) return AuthenticateResult.NoResult();

        var key = new CacheKey(OpaqueToken.Hash(token));
        TokenPrincipal principal;
        if (cache.TryGetValue(key, out CachedToken? cached) && cached!.Revision == revision.Current)
        {
            principal = cached.Principal;
        }
        else
        {
            // Read before validating: a revocation racing with this lookup then makes the entry stale, not sticky.
            var seenRevision = revision.Current;
            var validation = await tokens.ValidateAsync(token, Context.RequestAborted);
            if (validation.Status != TokenValidationStatus.Valid) return Reject(validation.Status);
            principal = validation.Principal!;
            cache.Set(key, new CachedToken(principal, seenRevision), CacheLifetime);
        }

        // Checked on every request, cached or not, so expiry is exact rather than up to the cache lifetime late.
        if (principal.ExpiresTimestamp <= clock.GetUtcNow())
        {
            cache.Remove(key);
            return Reject(TokenValidationStatus.Expired);
        }

        return AuthenticateResult.Success(new AuthenticationTicket(AuthPrincipals.ForToken(principal), Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var error = Context.Items[ApiAuthorization.AuthErrorItem] as ErrorCode;
        Response.Headers.WWWAuthenticate = error is null ? "Bearer" : "Bearer error=\"invalid_token\"";
        if (!ApiPaths.IsApi(Request.Path))
        {
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }
        await ApiErrors.WriteAsync(Context, error ?? ErrorCode.UserNotAuthenticated, error switch
        {
            null => "This endpoint needs a bearer token.",
            _ when error == ErrorCode.AccessTokenExpired => "The access token has expired; refresh it.",
            _ => "The access token is not known.",
        });
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        if (!ApiPaths.IsApi(Request.Path))
        {
            Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }
        await ApiErrors.WriteAsync(Context, ErrorCode.NoPermission, "The token does not grant the permission this endpoint needs.");
    }

    private AuthenticateResult Reject(TokenValidationStatus status)
    {
        Context.Items[ApiAuthorization.AuthErrorItem] = status == TokenValidationStatus.Expired
            ? ErrorCode.AccessTokenExpired
            : ErrorCode.AccessTokenUnknown;
        return AuthenticateResult.Fail(status == TokenValidationStatus.Expired ? "The token has expired." : "The token is not valid.");
    }

    internal static bool HasBearerToken(HttpRequest request) => TryReadBearerToken(request, out _);

    private static bool TryReadBearerToken(HttpRequest request, out string token)
    {
        token = "";
        var header = request.Headers[HeaderNames.Authorization];
        // Browsers cannot set headers on WebSocket and server-sent-event requests, so SignalR sends the token in
        // the query string; accept it there for the hubs only.
        if (header.Count == 0 && request.Path.StartsWithSegments(HubPaths.Root)
            && request.Query["access_token"] is { Count: 1 } query && !string.IsNullOrWhiteSpace(query[0]))
        {
            token = query[0]!;
            return true;
        }
        if (header.Count != 1 || header[0] is not { } value) return false;
        const string prefix = "Bearer ";
        if (!value.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) return false;
        token = value[prefix.Length..].Trim();
        return true;
    }

    private sealed record CacheKey(string TokenHash);

    private sealed record CachedToken(TokenPrincipal Principal, long Revision);
}
