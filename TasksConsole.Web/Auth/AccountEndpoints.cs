using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using TasksConsole.Core.Auth;

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
        return app;
    }

    internal static async Task<RedirectHttpResult> SignInAsync(
        HttpContext http, IAntiforgery antiforgery, SignInService signIn, CancellationToken cancellationToken)
    {
        if (!http.Request.HasFormContentType) return BackToLogin("invalid", "/");

        var form = await http.Request.ReadFormAsync(cancellationToken);
        var returnUrl = LocalUrl.OrRoot(form["returnUrl"].ToString());
        if (!await antiforgery.IsRequestValidAsync(http)) return BackToLogin("expired", returnUrl);

        var email = form["email"].ToString();
        var password = form["password"].ToString();
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password)) return BackToLogin("missing", returnUrl);

        var result = await signIn.SignInAsync(email, password, http.Connection.RemoteIpAddress?.ToString(), cancellationToken);
        switch (result.Status)
        {
            case SignInStatus.Success:
                await http.SignInAsync(AuthPrincipals.CookieScheme, AuthPrincipals.ForSession(result.User!));
                return TypedResults.Redirect(returnUrl);
            case SignInStatus.Throttled:
                var minutes = (int)Math.Ceiling(result.RetryAfter.TotalMinutes);
                return BackToLogin("locked", returnUrl, $"&retryAfter={minutes}");
            case SignInStatus.Disabled:
                return BackToLogin("disabled", returnUrl);
            default:
                return BackToLogin("invalid", returnUrl);
        }
    }

    internal static async Task<RedirectHttpResult> SignOutAsync(HttpContext http, IAntiforgery antiforgery)
    {
        // A cross-site page must not be able to sign people out; a failed check leaves the session as it was.
        if (!await antiforgery.IsRequestValidAsync(http)) return TypedResults.Redirect("/");
        await http.SignOutAsync(AuthPrincipals.CookieScheme);
        return TypedResults.Redirect(LoginPath);
    }

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
