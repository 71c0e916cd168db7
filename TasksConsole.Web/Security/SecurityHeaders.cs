using System.Security.Cryptography;
using Microsoft.AspNetCore.Antiforgery;

namespace TasksConsole.Web.Security;

/// <summary>
/// The browser-facing hardening every response gets: a Content-Security-Policy, no framing, no referrer, no MIME
/// sniffing; HSTS and the redirect to HTTPS when the app is served over HTTPS in Production.
/// </summary>
public static class SecurityHeaders
{
    private const string NonceKey = "TasksConsole.CspNonce";

    /// <summary>
    /// The console and the API. Scripts come from the app itself, plus the one inline script Blazor renders (the
    /// import map), allowed by a per-response nonce; nothing is evaluated from strings. MudBlazor positions and
    /// colours its components with inline styles, so styles may be inline. The circuit's WebSocket is same-origin,
    /// which <c>'self'</c> covers.
    /// </summary>
    private static string ConsolePolicy(string nonce) => Policy($"'self' 'nonce-{nonce}'");

    /// <summary>
    /// Pages rendered by libraries rather than the console: the Hangfire dashboard and the API reference write inline
    /// scripts and styles of their own that carry no nonce. They still may not be framed.
    /// </summary>
    private static readonly string LibraryPagePolicy = Policy("'self' 'unsafe-inline'");

    /// <summary>The policy both kinds of page share; only where scripts may come from differs.</summary>
    private static string Policy(string scriptSources) =>
        "default-src 'self'; " +
        $"script-src {scriptSources}; " +
        "style-src 'self' 'unsafe-inline'; " +
        "img-src 'self' data:; " +
        "font-src 'self' data:; " +
        "connect-src 'self'; " +
        "object-src 'none'; " +
        "base-uri 'self'; " +
        "form-action 'self'; " +
        "frame-ancestors 'none'";

    private static readonly string[] ProbePaths = ["/health", "/metrics"];

    /// <summary>The Hangfire dashboard and the Scalar API reference.</summary>
    private static readonly string[] LibraryPagePaths = ["/hangfire", "/api-reference"];

    public static IHostApplicationBuilder AddSecurityHeaders(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<SecurityOptions>(builder.Configuration.GetSection(SecurityOptions.Section));
        builder.Services.AddHsts(options =>
        {
            options.MaxAge = TimeSpan.FromDays(365);
            options.IncludeSubDomains = false;
        });
        // The session cookie already follows the request's scheme; the antiforgery cookie defaults to never Secure.
        builder.Services.Configure<AntiforgeryOptions>(options => options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
        return builder;
    }

    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        var security = app.Configuration.GetSection(SecurityOptions.Section).Get<SecurityOptions>() ?? new SecurityOptions();
        if (ServesHttps(app.Environment, app.Configuration, security))
        {
            // HSTS is only ever sent on HTTPS responses, and the redirect needs an HTTPS port to send clients to; a
            // plain-HTTP deployment (development, tests, a trusted network) gets neither.
            app.UseHsts();
            // A load balancer probes a node's health and Prometheus scrapes it over the node's own plain-HTTP address;
            // a redirect would fail both.
            app.UseWhen(context => !ProbePaths.Any(path => context.Request.Path.StartsWithSegments(path)),
                branch => branch.UseHttpsRedirection());
        }

        app.Use((context, next) =>
        {
            // Hex rather than base64: the value is written into HTML, where '+' and '/' would come out encoded.
            var nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
            context.Items[NonceKey] = nonce;
            // On starting rather than now: error handlers clear the headers of a failed response, and every answer,
            // an error page or a static file included, must carry them.
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = LibraryPagePaths.Any(path => context.Request.Path.StartsWithSegments(path))
                    ? LibraryPagePolicy
                    : ConsolePolicy(nonce);
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                // For browsers that predate frame-ancestors.
                headers.XFrameOptions = "DENY";
                return Task.CompletedTask;
            });
            return next(context);
        });
        return app;
    }

    /// <summary>The nonce of this response's Content-Security-Policy, for the inline scripts the app itself renders.</summary>
    public static string CspNonce(this HttpContext context) =>
        context.Items[NonceKey] as string ?? throw new InvalidOperationException("UseSecurityHeaders must run before the page renders.");

    /// <summary>
    /// Whether to send HSTS and redirect plain HTTP: in Production, when <c>Security:HttpsRedirection</c> says so, or,
    /// unset, when an HTTPS port or address is configured.
    /// </summary>
    public static bool ServesHttps(IHostEnvironment environment, IConfiguration configuration, SecurityOptions options)
    {
        if (!environment.IsProduction()) return false;
        if (options.HttpsRedirection is { } configured) return configured;
        var addresses = configuration.GetSection("Kestrel:Endpoints").GetChildren().Select(endpoint => endpoint["Url"])
            .Append(configuration["urls"]);
        return !string.IsNullOrEmpty(configuration["https_port"])
            || !string.IsNullOrEmpty(configuration["https_ports"])
            || addresses.Any(address => address?.Contains("https://", StringComparison.OrdinalIgnoreCase) == true);
    }
}

/// <summary>Settings under <c>Security</c>.</summary>
public sealed class SecurityOptions
{
    public const string Section = "Security";

    /// <summary>
    /// In Production, send HSTS and redirect HTTP to HTTPS. Unset, this follows the configuration: on when an HTTPS
    /// address (<c>urls</c>, <c>Kestrel:Endpoints</c>) or port (<c>https_port</c>) is configured, as behind a TLS proxy
    /// that sets <c>HTTPS_PORT=443</c>.
    /// </summary>
    public bool? HttpsRedirection { get; set; }
}
