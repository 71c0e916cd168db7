using System.Security.Claims;

namespace TasksConsole.Web.Auth;

/// <summary>
/// Keeps a session that must choose a new password (the bootstrap admin's generated one) on the change-password
/// page: every other console request is sent there, so nothing else is reachable first.
/// </summary>
public static class PasswordChange
{
    public const string PagePath = "/change-password";

    public static bool IsRequired(ClaimsPrincipal user) => user.HasClaim(AuthPrincipals.MustChangePasswordClaim, "true");

    public static WebApplication UsePasswordChangeGate(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            if (IsRequired(context.User) && !MayPass(context.Request.Path))
            {
                context.Response.Redirect(PagePath);
                return Task.CompletedTask;
            }
            return next(context);
        });
        return app;
    }

    /// <summary>The page itself, the form posts (change, sign out) and the static files the page is drawn with.</summary>
    private static bool MayPass(PathString path) =>
        path.Equals(PagePath, StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/account")
        || path.StartsWithSegments("/_framework")
        || path.StartsWithSegments("/_content")
        || Path.HasExtension(path.Value);
}
