using Microsoft.AspNetCore.Http.HttpResults;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Execution;
using TasksConsole.Web.Api;
using TasksConsole.Web.Auth;

namespace TasksConsole.Web.Admin;

/// <summary>The nodes sharing the store, for automation (the console's Nodes page shows the same).</summary>
public static class AdminNodesEndpoints
{
    public static IEndpointRouteBuilder MapAdminNodesEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/admin/v1/nodes", ListAsync)
            .WithTags("Admin: nodes")
            .RequirePermission(Permissions.AccessJobDashboard)
            .WithName("ListNodes")
            .Produces<ErrorBody>(StatusCodes.Status401Unauthorized)
            .WithSummary("List the nodes")
            .WithDescription("Every node that shares this store, from its last heartbeat: version, host, heartbeat age, " +
                             "tasks in flight, claims held, whether it dispatches, and whether it counts as dead.");
        return app;
    }

    internal static async Task<Ok<AdminList<NodeResponse>>> ListAsync(NodeQueries nodes, CancellationToken cancellationToken)
    {
        var list = await nodes.ListAsync(cancellationToken);
        return TypedResults.Ok(new AdminList<NodeResponse>(list.Select(NodeResponse.From).ToList()));
    }
}

public sealed record NodeResponse(
    string Id,
    string Version,
    string HostName,
    DateTimeOffset StartedTimestamp,
    DateTimeOffset HeartbeatTimestamp,
    double HeartbeatAgeSeconds,
    bool Dispatches,
    int TasksInFlight,
    int ClaimsHeld,
    bool Dead)
{
    public static NodeResponse From(NodeInfo node) => new(node.Id, node.Version, node.HostName, node.StartedTimestamp,
        node.HeartbeatTimestamp, Math.Round(node.HeartbeatAge.TotalSeconds, 1), node.Dispatches, node.TasksInFlight, node.ClaimsHeld, node.Dead);
}
