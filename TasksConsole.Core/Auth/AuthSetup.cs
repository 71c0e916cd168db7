using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace TasksConsole.Core.Auth;

public static class AuthServiceCollectionExtensions
{
    /// <summary>
    /// Registers the auth services as singletons: they hold only the context factory, the clock and options, and
    /// the limiter and revision counter must be shared by every request. Binding <see cref="AuthOptions"/> is the host's job.
    /// </summary>
    public static IServiceCollection AddTasksAuthCore(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<AuthOptions>();
        services.TryAddSingleton<AuthRevision>();
        services.TryAddSingleton<UserService>();
        services.TryAddSingleton<TokenService>();
        services.TryAddSingleton<FailedSignInLimiter>();
        services.TryAddSingleton<SignInService>();
        return services;
    }
}
