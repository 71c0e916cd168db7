using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Common;
using TasksConsole.Web.Api;

namespace TasksConsole.Web.Auth;

/// <summary>
/// Keeps cookie sessions in step with the user row (disabled, password reset, role change) and keeps the API
/// free of login redirects: a client of the API must get an EXH error body, never an HTML sign-in page.
/// </summary>
public sealed class ConsoleCookieEvents(SessionValidator validator, TimeProvider clock, IOptions<AuthOptions> options) : CookieAuthenticationEvents
{
    public override async Task ValidatePrincipal(CookieValidatePrincipalContext context)
    {
        if (context.Principal is null) return;
        var now = clock.GetUtcNow();
        if (SessionStart.Of(context.Properties) is not { } started)
        {
            // A cookie from before sessions recorded their start: its absolute lifetime counts from now.
            started = now;
            SessionStart.Set(context.Properties, now);
            context.ShouldRenew = true;
        }
        else if (now - started >= options.Value.SessionAbsoluteLifetime)
        {
            await EndAsync(context);
            return;
        }
        var (check, user) = await validator.CheckAsync(context.Principal, context.HttpContext.RequestAborted);
        switch (check)
        {
            case SessionCheck.Invalid:
                await EndAsync(context);
                break;
            case SessionCheck.RoleChanged:
                context.ReplacePrincipal(AuthPrincipals.ForSession(user!));
                context.ShouldRenew = true;
                break;
        }
        // The cookie's properties do not reach a circuit or a hub connection opened by this request; the claim does.
        if (context.Principal is { } principal) AuthPrincipals.SetExpiry(principal, started + options.Value.SessionAbsoluteLifetime);
    }

    /// <summary>The session is over: this request is anonymous, and the cookie is deleted.</summary>
    private static async Task EndAsync(CookieValidatePrincipalContext context)
    {
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(AuthPrincipals.CookieScheme);
    }

    public override Task RedirectToLogin(RedirectContext<CookieAuthenticationOptions> context) =>
        ApiPaths.IsApi(context.Request.Path)
            ? ApiErrors.WriteAsync(context.HttpContext, ErrorCode.UserNotAuthenticated, "This endpoint needs a bearer token.")
            : base.RedirectToLogin(context);

    public override Task RedirectToAccessDenied(RedirectContext<CookieAuthenticationOptions> context) =>
        ApiPaths.IsApi(context.Request.Path)
            ? ApiErrors.WriteAsync(context.HttpContext, ErrorCode.NoPermission, "This needs a permission the signed-in user does not have.")
            : base.RedirectToAccessDenied(context);
}
