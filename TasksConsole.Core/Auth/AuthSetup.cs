using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using TasksConsole.Core.Common;

namespace TasksConsole.Core.Auth;

public static class AuthSetup
{
    /// <summary>
    /// Binds <see cref="AuthOptions"/> and registers the auth services as singletons: they hold only the context
    /// factory, the clock and options, and the limiter and revision counter must be shared by every request.
    /// </summary>
    public static IHostApplicationBuilder AddAuthCore(this IHostApplicationBuilder builder)
    {
        builder.AddCommonCore();
        var services = builder.Services;
        services.AddOptions<AuthOptions>()
            .Bind(builder.Configuration.GetSection(AuthOptions.Section))
            .Validate(o => o.AccessTokenLifetime > TimeSpan.Zero && o.RefreshTokenLifetime > TimeSpan.Zero && o.SessionLifetime > TimeSpan.Zero,
                "Auth lifetimes must be positive.")
            .Validate(o => o.RevisionPollInterval > TimeSpan.Zero, "Auth:RevisionPollInterval must be positive.")
            .Validate(o => o.SignInLimit is
                {
                    MaxFailuresPerAccountAndClient: > 0, MaxFailuresPerAccount: > 0, MaxFailuresPerClient: > 0, MaxEntries: >= 100,
                } limit
                && limit.FirstDelay > TimeSpan.Zero && limit.MaxDelay >= limit.FirstDelay && limit.AccountWindow > TimeSpan.Zero
                && limit.Window > TimeSpan.Zero && limit.SweepInterval > TimeSpan.Zero,
                "Auth:SignInLimit values must be positive, MaxDelay at least FirstDelay, and MaxEntries at least 100.")
            .Validate(o => o.OAuthClients.All(c => !string.IsNullOrWhiteSpace(c.ClientId)), "Every Auth:OAuthClients entry needs a ClientId.")
            .ValidateOnStart();
        services.TryAddSingleton<AuthRevision>();
        services.TryAddSingleton<UserService>();
        services.TryAddSingleton<OAuthTokenService>();
        services.TryAddSingleton<ApiTokenService>();
        services.TryAddSingleton<BearerTokenValidator>();
        services.TryAddSingleton<FailedSignInLimiter>();
        services.TryAddSingleton<SignInService>();
        services.TryAddSingleton<AuthRevisionSync>();
        services.AddHostedService(provider => provider.GetRequiredService<AuthRevisionSync>());
        return builder;
    }
}
