using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Common;
using TasksConsole.Core.Data;
using TasksConsole.Web.Api;
using TasksConsole.Web.Live;

namespace TasksConsole.Web.Auth;

/// <summary>
/// Authentication for both audiences: bearer tokens for the API (OAuth2 access tokens and API tokens) and a
/// cookie for the console. API paths only ever look at bearer tokens, so a browser's console cookie cannot be
/// used to drive the API from another site, and API clients never get a login redirect.
/// </summary>
public static class AuthSetup
{
    public static IHostApplicationBuilder AddAuth(this IHostApplicationBuilder builder)
    {
        builder.AddAuthCore();
        var services = builder.Services;
        services.AddMemoryCache();
        services.AddSingleton<SessionValidator>();
        services.AddSingleton<ConsoleCookieEvents>();
        services.AddScoped<AuthenticationStateProvider, ConsoleAuthenticationStateProvider>();
        services.TryAddEnumerable(ServiceDescriptor.Scoped<CircuitHandler, SessionCircuitHandler>());
        services.AddHostedService<ExpiredTokenCleanup>();
        // With the auth services it re-checks by, not with the hub: a host with the live feed alone has no credentials.
        services.AddSingleton<HubConnectionGuard>();
        services.AddHostedService(provider => provider.GetRequiredService<HubConnectionGuard>());
        builder.AddKeyRingInStore();

        services.AddAuthentication(options =>
            {
                options.DefaultScheme = AuthPrincipals.SelectorScheme;
                options.DefaultSignInScheme = AuthPrincipals.CookieScheme;
            })
            .AddPolicyScheme(AuthPrincipals.SelectorScheme, "Bearer token or console cookie", options =>
                options.ForwardDefaultSelector = context =>
                    BearerTokenHandler.HasBearerToken(context.Request) || ApiPaths.IsApi(context.Request.Path)
                        ? AuthPrincipals.BearerScheme
                        : AuthPrincipals.CookieScheme)
            .AddScheme<AuthenticationSchemeOptions, BearerTokenHandler>(AuthPrincipals.BearerScheme, null)
            .AddCookie(AuthPrincipals.CookieScheme, options =>
            {
                options.LoginPath = AccountEndpoints.LoginPath;
                options.LogoutPath = "/account/logout";
                options.AccessDeniedPath = "/forbidden";
                options.ReturnUrlParameter = "returnUrl";
                options.SlidingExpiration = true;
                options.Cookie.Name = "TasksConsole.Session";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.Cookie.IsEssential = true;
                options.EventsType = typeof(ConsoleCookieEvents);
            });
        services.AddOptions<CookieAuthenticationOptions>(AuthPrincipals.CookieScheme)
            .Configure<IOptions<AuthOptions>>((cookie, auth) => cookie.ExpireTimeSpan = auth.Value.SessionLifetime);

        services.AddAuthorization(options =>
        {
            // One policy per permission, for [Authorize(Policy = Permissions.X)] on console pages. The admin role
            // holds every permission, so its list is the full set.
            foreach (var permission in Permissions.For(Role.Admin))
            {
                options.AddPolicy(permission, policy => policy.RequireAuthenticatedUser().RequireClaim(TasksClaimTypes.Permission, permission));
            }
        });
        return builder;
    }

    public static WebApplication UseTasksConsoleAuth(this WebApplication app)
    {
        app.UseAuthentication();
        app.UsePasswordChangeGate();
        app.UseAuthorization();
        return app;
    }

    /// <summary>
    /// Creates the first admin when there are no users. Without a configured password one is generated, written to
    /// <see cref="BootstrapPasswordFile"/> in the data directory (the log says where, never what), and must be
    /// changed at first sign-in. A configured password was chosen by the operator, so it is used as it is.
    /// </summary>
    public static async Task EnsureBootstrapAdminAsync(this WebApplication app)
    {
        var users = app.Services.GetRequiredService<UserService>();
        if (await users.AnyUsersAsync()) return;

        var settings = app.Services.GetRequiredService<IOptions<AuthOptions>>().Value.BootstrapAdmin;
        var email = string.IsNullOrWhiteSpace(settings.Email) ? new BootstrapAdminOptions().Email : settings.Email;
        var generated = string.IsNullOrEmpty(settings.Password);
        var password = generated ? GeneratePassword() : settings.Password!;
        var passwordFile = BootstrapPasswordFile.PathIn(app.Services.GetRequiredService<DataDirectory>());
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("TasksConsole.Auth.BootstrapAdmin");

        // Written before the user exists, so a failure here cannot leave an admin whose password nobody knows.
        if (generated) BootstrapPasswordFile.Write(passwordFile, password);
        try
        {
            await users.CreateAsync(email, password, Role.Admin, mustChangePassword: generated);
        }
        catch (ServiceException ex) when (ex.Error == ErrorCode.ResourceAlreadyExists)
        {
            if (generated) File.Delete(passwordFile);
            return; // Another node created it first.
        }
        catch (ServiceException ex)
        {
            throw new InvalidOperationException($"Auth:BootstrapAdmin is not usable: {ex.Message}", ex);
        }

        if (generated)
        {
            logger.LogWarning(
                "No users existed, so the admin account {Email} was created with a generated password, written to {PasswordFile} " +
                "(readable by this service's user only). Sign in with it to choose a new password; the file is deleted then.",
                email, passwordFile);
        }
        else
        {
            logger.LogInformation("No users existed, so the admin account {Email} was created from Auth:BootstrapAdmin.", email);
        }
    }

    private static string GeneratePassword() =>
        // No look-alike characters (0/O, 1/l/I): the password may be read off a screen and typed.
        RandomNumberGenerator.GetString("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", 24);
}
