using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Common;
using TasksConsole.Core.Data;

namespace TasksConsole.Web.Auth;

/// <summary>
/// The console's form posts. They are plain endpoints rather than Blazor handlers because signing in and out
/// must set the cookie on an HTTP response, which an interactive circuit does not have.
/// </summary>
public static class AccountEndpoints
{
    public const string LoginPath = "/login";

    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        var account = app.MapGroup("/account").AllowAnonymous().ExcludeFromDescription();
        account.MapPost("/login", SignInAsync);
        account.MapPost("/logout", SignOutAsync);
        account.MapPost("/change-password", ChangePasswordAsync);
        return app;
    }

    internal static async Task<RedirectHttpResult> SignInAsync(
        HttpContext http, IAntiforgery antiforgery, SignInService signIn, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (!http.Request.HasFormContentType) return BackToLogin("invalid", "/");

        // Too large a form is simply a wrong sign-in: no reason to tell a browser more.
        if (await SignInForm.TryReadAsync(http.Request, cancellationToken) is not { } form) return BackToLogin("invalid", "/");
        var returnUrl = LocalUrl.OrRoot(form["returnUrl"].ToString());
        if (!await antiforgery.IsRequestValidAsync(http)) return BackToLogin("expired", returnUrl);

        var email = form["email"].ToString();
        var password = form["password"].ToString();
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password)) return BackToLogin("missing", returnUrl);
        if (SignInService.IsTooLong(email, password)) return BackToLogin("invalid", returnUrl);

        var result = await signIn.SignInAsync(email, password, http.Connection.RemoteIpAddress?.ToString(), cancellationToken);
        switch (result.Status)
        {
            case SignInStatus.Success:
                await http.SignInAsync(AuthPrincipals.CookieScheme, AuthPrincipals.ForSession(result.User!), SessionStart.Now(clock));
                return TypedResults.Redirect(result.User!.MustChangePassword ? PasswordChange.PagePath : returnUrl);
            case SignInStatus.Throttled:
                var minutes = (int)Math.Ceiling(result.RetryAfter.TotalMinutes);
                return BackToLogin("locked", returnUrl, $"&retryAfter={minutes}");
            case SignInStatus.Disabled:
                return BackToLogin("disabled", returnUrl);
            default:
                return BackToLogin("invalid", returnUrl);
        }
    }

    internal static async Task<RedirectHttpResult> SignOutAsync(HttpContext http, IAntiforgery antiforgery, UserService users, CancellationToken cancellationToken)
    {
        // A cross-site page must not be able to sign people out; a failed check leaves the session as it was.
        if (!await antiforgery.IsRequestValidAsync(http)) return TypedResults.Redirect("/");
        // Deleting the cookie is not enough: a copy of it (stolen, or in another browser) would still be valid.
        if (http.User.Identity?.AuthenticationType == AuthPrincipals.CookieScheme && http.User.GetUserId() is { } userId)
        {
            await users.EndConsoleSessionsAsync(userId, cancellationToken);
        }
        await http.SignOutAsync(AuthPrincipals.CookieScheme);
        return TypedResults.Redirect(LoginPath);
    }

    /// <summary>
    /// The signed-in user's own password change (forced for the bootstrap admin's generated password). The new
    /// password ends every other session, so this one gets a fresh cookie.
    /// </summary>
    internal static async Task<RedirectHttpResult> ChangePasswordAsync(
        HttpContext http, IAntiforgery antiforgery, UserService users, FailedSignInLimiter limiter, DataDirectory dataDirectory,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        if (http.User.GetUserId() is not { } userId || http.User.Identity?.AuthenticationType != AuthPrincipals.CookieScheme)
        {
            return TypedResults.Redirect(LoginPath);
        }
        if (!http.Request.HasFormContentType
            || await SignInForm.TryReadAsync(http.Request, cancellationToken) is not { } form)
        {
            return BackToPasswordChange("invalid");
        }
        if (!await antiforgery.IsRequestValidAsync(http)) return BackToPasswordChange("expired");

        var current = form["currentPassword"].ToString();
        var proposed = form["newPassword"].ToString();
        if (string.IsNullOrEmpty(current) || string.IsNullOrEmpty(proposed)) return BackToPasswordChange("missing");
        if (proposed != form["confirmPassword"].ToString()) return BackToPasswordChange("mismatch");
        if (proposed == current) return BackToPasswordChange("same");
        if (proposed.Length is < UserService.MinPasswordLength or > UserService.MaxPasswordLength) return BackToPasswordChange("weak");

        // The current password is a guess like any sign-in: a stolen session must not be a way around the limiter.
        var email = http.User.Identity?.Name ?? userId;
        var clientAddress = http.Connection.RemoteIpAddress?.ToString();
        if (!limiter.TryStart(email, clientAddress, out _)) return BackToPasswordChange("locked");
        try
        {
            await users.ChangeOwnPasswordAsync(userId, current, proposed, cancellationToken);
        }
        catch (ServiceException ex) when (ex.Error == AuthErrorCodes.Authentication)
        {
            return BackToPasswordChange("current");
        }
        limiter.Succeeded(email, clientAddress);

        // The generated password it held is no longer valid; leaving it around would only mislead.
        File.Delete(BootstrapPasswordFile.PathIn(dataDirectory));
        if (await users.GetSessionAsync(userId, cancellationToken) is not { Disabled: false } session)
        {
            await http.SignOutAsync(AuthPrincipals.CookieScheme);
            return TypedResults.Redirect(LoginPath);
        }
        await http.SignInAsync(AuthPrincipals.CookieScheme, AuthPrincipals.ForSession(session), SessionStart.Now(clock));
        return TypedResults.Redirect("/");
    }

    private static RedirectHttpResult BackToPasswordChange(string error) =>
        TypedResults.Redirect($"{PasswordChange.PagePath}?error={error}");

    private static RedirectHttpResult BackToLogin(string error, string returnUrl, string extra = "")
    {
        var target = $"{LoginPath}?error={error}{extra}";
        if (returnUrl != "/") target += "&returnUrl=" + Uri.EscapeDataString(returnUrl);
        return TypedResults.Redirect(target);
    }
}

/// <summary>Guards redirects after sign-in: only paths on this site, so a crafted link cannot bounce users elsewhere.</summary>
public static class LocalUrl
{
    public static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url)
        && url[0] == '/'
        // "//host" and "/\host" are protocol-relative to browsers.
        && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
        // Browsers drop tabs and newlines, which could turn "/\t/host" into "//host".
        && !url.Any(char.IsControl);

    /// <summary>The URL if it is local and not part of the sign-in flow itself, else the dashboard.</summary>
    public static string OrRoot(string? url)
    {
        if (!IsLocal(url)) return "/";
        var path = url!.Split('?', '#')[0].TrimEnd('/');
        return path.Equals(AccountEndpoints.LoginPath, StringComparison.OrdinalIgnoreCase)
            || path.StartsWith("/account/", StringComparison.OrdinalIgnoreCase)
                ? "/"
                : url;
    }
}
