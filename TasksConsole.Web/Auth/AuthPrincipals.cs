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

    public static ClaimsPrincipal ForToken(TokenPrincipal token) =>
        Create(BearerScheme, token.UserId, token.Email, token.Role, token.ClientId, securityStamp: null);

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
