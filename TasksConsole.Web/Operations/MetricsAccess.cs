using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using TasksConsole.Core.Auth;

namespace TasksConsole.Web.Operations;

/// <summary>
/// The scrape endpoint is readable from a configured network (<see cref="MetricsOptions.AllowedNetworks"/>) or with
/// an admin's bearer token; anyone else gets 401 (no token) or 403 (a token that is not an admin's).
/// </summary>
public sealed class MetricsAccessRequirement : IAuthorizationRequirement
{
    public const string Policy = "MetricsReader";
}

public sealed class MetricsAccessHandler(IOptions<MetricsOptions> options) : AuthorizationHandler<MetricsAccessRequirement>
{
    private readonly IReadOnlyList<System.Net.IPNetwork> _networks = options.Value.Networks();

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, MetricsAccessRequirement requirement)
    {
        var fromAllowedNetwork = context.Resource is HttpContext http && MetricsOptions.Allows(_networks, http.Connection.RemoteIpAddress);
        if (fromAllowedNetwork || context.User.IsInRole(nameof(Role.Admin))) context.Succeed(requirement);
        return Task.CompletedTask;
    }
}
