using System.Globalization;
using System.Security.Claims;
using TasksConsole.Core.Auth;

namespace TasksConsole.Web.Auth;

/// <summary>Scheme names and the one place that turns a user into claims, so bearer and cookie principals agree.</summary>
public static class AuthPrincipals
{
    public const string BearerScheme = "Bearer";
    public const string CookieScheme = "Cookies";

    /// <summary>The default: picks bearer or cookie per request (see <see cref="AuthSetup"/>).</summary>
    public const string SelectorScheme = "TasksConsole";

    /// <summary>Lets a cookie session notice a password reset or disabling (the user's stamp changes).</summary>
    public const string SecurityStampClaim = "security_stamp";

    /// <summary>Marks a session that may do nothing but choose a new password (see <see cref="PasswordChange"/>).</summary>
    public const string MustChangePasswordClaim = "must_change_password";

    /// <summary>Which stored token a bearer principal came from, so a connection it opened can be re-checked later.</summary>
    public const string TokenIdClaim = "token_id";

    /// <summary>
    /// When the credential behind a principal stops being good (a token's expiry, a console session's absolute end),
    /// in Unix seconds: connections that outlive their request (hub connections, console circuits) close then.
    /// </summary>
    public const string ExpiresClaim = "auth_expires";

    public static ClaimsPrincipal ForToken(TokenPrincipal token)
    {
        var principal = Create(BearerScheme, token.UserId, token.Email, token.Role, token.ClientId, securityStamp: null);
        var identity = (ClaimsIdentity)principal.Identity!;
        identity.AddClaim(new Claim(TokenIdClaim, token.TokenId));
        if (token.ExpiresTimestamp is { } expires) SetExpiry(principal, expires);
        return principal;
    }

    /// <summary>Sets (or moves) when <paramref name="principal"/>'s credential ends.</summary>
    public static void SetExpiry(ClaimsPrincipal principal, DateTimeOffset expires)
    {
        var identity = (ClaimsIdentity)principal.Identity!;
        foreach (var old in identity.FindAll(ExpiresClaim).ToList()) identity.RemoveClaim(old);
        identity.AddClaim(new Claim(ExpiresClaim, expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)));
    }

    /// <summary>When <paramref name="principal"/>'s credential ends; null when it does not (an API token made to last).</summary>
    public static DateTimeOffset? ExpiryOf(ClaimsPrincipal principal) =>
        long.TryParse(principal.FindFirstValue(ExpiresClaim), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;

    public static ClaimsPrincipal ForSession(UserSession user) =>
        Create(CookieScheme, user.Id, user.Email, user.Role, applicationId: null, user.SecurityStamp, user.MustChangePassword);

    private static ClaimsPrincipal Create(
        string authenticationType, string userId, string email, Role role, string? applicationId, string? securityStamp,
        bool mustChangePassword = false)
    {
        var claims = new List<Claim>
        {
            new(TasksClaimTypes.UserId, userId),
            new(ClaimTypes.Name, email),
            new(TasksClaimTypes.Role, role.ToString()),
        };
        if (mustChangePassword)
        {
            // No permissions until the password is changed: even a page the gate let through could show nothing.
            claims.Add(new Claim(MustChangePasswordClaim, "true"));
        }
        else
        {
            claims.AddRange(Permissions.For(role).Select(permission => new Claim(TasksClaimTypes.Permission, permission)));
        }
        if (applicationId is not null) claims.Add(new Claim(TasksClaimTypes.ApplicationId, applicationId));
        if (securityStamp is not null) claims.Add(new Claim(SecurityStampClaim, securityStamp));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType, ClaimTypes.Name, TasksClaimTypes.Role));
    }
}
