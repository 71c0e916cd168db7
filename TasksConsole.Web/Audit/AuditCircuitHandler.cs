using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using TasksConsole.Core.Audit;
using TasksConsole.Web.Auth;

namespace TasksConsole.Web.Audit;

/// <summary>
/// Makes the console user the audit actor of everything their page does: every click, key and navigation the
/// browser sends runs inside it, so a service recording an action knows who did it and from which address (the one
/// the circuit connected from).
/// </summary>
internal sealed class AuditCircuitHandler(AuthenticationStateProvider authentication, IHttpContextAccessor http) : CircuitHandler
{
    // The circuit is built while its connection's request is current: its address is the browser's.
    private readonly string? _remoteAddress = http.HttpContext?.Connection.RemoteIpAddress?.ToString();

    public override Func<CircuitInboundActivityContext, Task> CreateInboundActivityHandler(
        Func<CircuitInboundActivityContext, Task> next) =>
        async context =>
        {
            var user = (await authentication.GetAuthenticationStateAsync()).User;
            var signedIn = user.Identity?.IsAuthenticated == true;
            using (AuditContext.Use(new AuditActor(
                       signedIn ? user.GetUserId() : null, signedIn ? user.Identity!.Name : null, null, AuditSources.Console, _remoteAddress)))
            {
                await next(context);
            }
        };
}
