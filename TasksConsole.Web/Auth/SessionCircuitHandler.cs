using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace TasksConsole.Web.Auth;

/// <summary>
/// Re-checks the signed-in user against the user store before anything the browser sends a live console page
/// runs: a click, a key, a value typed, a navigation, a JavaScript call into .NET. A circuit holds the principal
/// it was opened with, so without this a page opened by an operator would keep cancelling and scheduling after an
/// admin made them a viewer or disabled them, until it was reloaded.
/// </summary>
/// <remarks>
/// One place for every action, rather than a check in each page's handlers: circuits route all inbound activity
/// through their handlers. When the user's standing changed (role, disabled, password reset), the activity is
/// dropped and the circuit's user becomes anonymous, as on a failed periodic revalidation: the router then sends the
/// browser to the sign-in page, which lets a still valid cookie (now with the new role) straight back to the page.
/// The check costs a cache lookup; the user row is read again only when some user's standing changed on this node,
/// or after <see cref="SessionValidator"/>'s short cache lifetime for changes made on another node.
/// </remarks>
internal sealed class SessionCircuitHandler(
    AuthenticationStateProvider authentication, SessionValidator validator, ILogger<SessionCircuitHandler> logger)
    : CircuitHandler
{
    public override Func<CircuitInboundActivityContext, Task> CreateInboundActivityHandler(
        Func<CircuitInboundActivityContext, Task> next) =>
        async context =>
        {
            if (await StillStandsAsync(context.Circuit)) await next(context);
        };

    private async Task<bool> StillStandsAsync(Circuit circuit)
    {
        var user = (await authentication.GetAuthenticationStateAsync()).User;
        // An anonymous circuit has nothing to re-check, and no page that acts for a user renders in it.
        if (user.Identity?.IsAuthenticated != true) return true;

        var (check, _) = await validator.CheckAsync(user);
        if (check == SessionCheck.Valid) return true;

        logger.LogInformation(
            "Refused an action on circuit {CircuitId}: user {UserId} was disabled, reset or given another role since the page opened ({Check}).",
            circuit.Id, user.GetUserId(), check);
        if (authentication is ServerAuthenticationStateProvider server)
        {
            server.SetAuthenticationState(Task.FromResult(new AuthenticationState(new ClaimsPrincipal(new ClaimsIdentity()))));
        }
        return false;
    }
}
