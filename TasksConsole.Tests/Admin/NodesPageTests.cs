using Bunit;
using Microsoft.Extensions.DependencyInjection;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Execution;
using TasksConsole.Tests.Infrastructure;
using TasksConsole.Web.Admin;

namespace TasksConsole.Tests.Admin;

public sealed class NodesPageTests : StoreConsoleTestContext
{
    private async Task UseNodesAsync(Role role)
    {
        await UseStoreAsync(role);
        Services.AddOptions<ExecutionOptions>();
        Services.AddSingleton<NodeQueries>();
        await using var db = Database.CreateContext();
        db.Nodes.AddRange(
            new NodeRecord
            {
                Id = "node-a", Version = "1.2.3", HostName = "host-a", StartedTimestamp = Now.AddHours(-1),
                HeartbeatTimestamp = Now.AddSeconds(-2), Dispatches = true, TasksInFlight = 7, ClaimsHeld = 3,
            },
            new NodeRecord
            {
                Id = "node-b", Version = "1.2.2", HostName = "host-b", StartedTimestamp = Now.AddHours(-3),
                HeartbeatTimestamp = Now.AddMinutes(-2), Dispatches = false, TasksInFlight = 0, ClaimsHeld = 0,
            });
        await db.SaveChangesAsync();
    }

    [Fact(Timeout = 30_000)]
    public async Task AnAdmin_SeesEachNode_WithItsHeartbeatAge_Load_AndTheDeadOnesMarked()
    {
        await UseNodesAsync(Role.Admin);
        RenderProviders();

        var page = Render<NodesPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("tbody tr").Count));
        var rows = page.FindAll("tbody tr").Select(row => row.QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToList()).ToList();
        Assert.Equal(["node-a", "Live", "1.2.3", "host-a", "2 s ago", "7", "3", "Yes"], rows[0].Take(8));
        Assert.Equal(["node-b", "Dead", "1.2.2", "host-b", "2 min 0 s ago", "0", "0", "No"], rows[1].Take(8));
        Assert.NotNull(page.Find("a[href='/hangfire']"));
    }

    [Fact(Timeout = 30_000)]
    public async Task AnOperator_SeesNoNodes()
    {
        await UseNodesAsync(Role.Operator);
        RenderProviders();

        var page = Render<NodesPage>();

        Assert.Contains(Permissions.AccessJobDashboard, page.Markup);
        Assert.Empty(page.FindAll("table"));
        Assert.DoesNotContain("node-a", page.Markup);
    }
}
