using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;

namespace TasksConsole.Web.Auth;

/// <summary>
/// A live circuit keeps the principal it started with; re-checking it every few seconds ends the console for a
/// user who was disabled, reset or given another role meanwhile, even on a page left open and untouched (the page
/// then reloads through the cookie, which carries the new role or sends the user to sign in). Actions are checked
/// when they run, by <see cref="SessionCircuitHandler"/>; this covers the idle page. A page kept open past the
/// session's absolute lifetime ends the same way.
/// </summary>
internal sealed class ConsoleAuthenticationStateProvider(ILoggerFactory loggerFactory, SessionValidator validator, TimeProvider clock)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromSeconds(10);

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        if (AuthPrincipals.ExpiryOf(authenticationState.User) <= clock.GetUtcNow()) return false;
        var (check, _) = await validator.CheckAsync(authenticationState.User, cancellationToken);
        return check == SessionCheck.Valid;
    }
}
