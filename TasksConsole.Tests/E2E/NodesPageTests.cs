using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using TasksConsole.Core.Data;
using TasksConsole.Core.Execution;
using static Microsoft.Playwright.Assertions;

namespace TasksConsole.Tests.E2E;

/// <summary>The admin's Nodes page lists the running server's own heartbeat and marks a silent node as dead.</summary>
[Collection(E2ECollection.Name)]
public sealed class NodesPageTests(BrowserFixture browser) : BrowserTest(browser)
{
    [Fact]
    public async Task TheNodesPage_ShowsThisNodeLive_AndASilentNodeDead()
    {
        var services = Browser.Server.Services;
        var self = services.GetRequiredService<IOptions<ExecutionOptions>>().Value.NodeId;
        var silent = $"retired-{Guid.NewGuid():N}"[..16];
        await using (var db = await services.GetRequiredService<IDbContextFactory<TasksDbContext>>().CreateDbContextAsync())
        {
            var now = DateTimeOffset.UtcNow;
            db.Nodes.Add(new NodeRecord
            {
                Id = silent, Version = "0.9.0", HostName = "old-host", StartedTimestamp = now.AddHours(-5),
                HeartbeatTimestamp = now.AddMinutes(-10), Dispatches = true,
            });
            await db.SaveChangesAsync();
        }

        var page = await Browser.NewSignedInPageAsync(path: "/admin/nodes");

        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1, Name = "Nodes" })).ToBeVisibleAsync();
        var own = page.GetByRole(AriaRole.Row).Filter(new() { HasText = self });
        await Expect(own).ToContainTextAsync("Live");
        var dead = page.GetByRole(AriaRole.Row).Filter(new() { HasText = silent });
        await Expect(dead).ToContainTextAsync("Dead");
        await Expect(dead).ToContainTextAsync("10 min");
        await BrowserFixture.ScreenshotAsync(page, "admin-nodes");
        await BrowserFixture.AssertNoSeriousAxeViolationsAsync(page);
    }
}
