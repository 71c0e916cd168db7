using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;

namespace TasksConsole.Web.Auth;

/// <summary>
/// A live circuit keeps the principal it started with; re-checking it every minute ends the console for a user
/// who was disabled, reset or given another role meanwhile (the page then reloads through the cookie, which
/// carries the new role or sends the user to sign in).
/// </summary>
internal sealed class ConsoleAuthenticationStateProvider(ILoggerFactory loggerFactory, SessionValidator validator)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(1);

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        var (check, _) = await validator.CheckAsync(authenticationState.User, cancellationToken);
        return check == SessionCheck.Valid;
    }
}
