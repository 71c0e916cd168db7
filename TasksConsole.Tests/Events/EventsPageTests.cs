using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Events;
using TasksConsole.Core.Tasks;
using TasksConsole.Tests.Infrastructure;
using TasksConsole.Web.Events;
using static TasksConsole.Tests.Infrastructure.ConsoleStore;

namespace TasksConsole.Tests.Events;

public sealed class EventsPageTests : ConsoleTestContext
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);
    private static readonly DateTimeOffset Now = Ms(DateTimeOffset.UtcNow);

    [Fact]
    public async Task RendersStoredEvents_NewestFirst_WithLinksToTheirTasks()
    {
        await using var database = await TestDatabase.CreateAsync();
        Services.AddConsoleStore(database);
        await database.SeedAsync(
            FailedEvent(1, "report", Now.AddMinutes(-30)),
            FailedEvent(3, "send-mail", Now.AddMinutes(-1)),
            FailedEvent(2, "import_csv", Now.AddMinutes(-10)));
        SignIn(Role.Viewer);
        RenderPopoverProvider();

        var page = Render<EventsPage>();

        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("tbody tr.mud-table-row").Count), Patience);
        var rows = page.FindAll("tbody tr.mud-table-row");
        Assert.Equal(["send-mail", "import_csv", "report"], rows.Select(r => r.QuerySelector("a[href^='/functions/']")!.TextContent.Trim()));
        Assert.Equal($"/tasks/{Id(3)}", rows[0].QuerySelector("a[href^='/tasks/']")!.GetAttribute("href"));
        Assert.Contains("failure 3", rows[0].TextContent);
        Assert.Contains("DemoFailure", rows[0].TextContent);
        var time = rows[0].QuerySelector("time")!;
        Assert.Equal("1 min ago", time.TextContent.Trim());
        Assert.EndsWith("UTC", time.GetAttribute("title"));
    }

    [Fact]
    public async Task FiltersByFunction_IgnoringCase_AndTreatingUnderscoreLiterally()
    {
        await using var database = await TestDatabase.CreateAsync();
        Services.AddConsoleStore(database);
        await database.SeedAsync(
            FailedEvent(1, "import_csv", Now.AddMinutes(-3)),
            FailedEvent(2, "importXcsv", Now.AddMinutes(-2)),
            FailedEvent(3, "send-mail", Now.AddMinutes(-1)));
        SignIn(Role.Viewer);
        RenderPopoverProvider();

        Services.GetRequiredService<NavigationManager>().NavigateTo("/events?fn=IMPORT_");
        var page = Render<EventsPage>();

        page.WaitForAssertion(() =>
        {
            var row = Assert.Single(page.FindAll("tbody tr.mud-table-row"));
            Assert.Contains("import_csv", row.TextContent);
        }, Patience);
    }

    [Fact]
    public async Task ALiveFailure_AppearsAtTheTop_Highlighted()
    {
        await using var database = await TestDatabase.CreateAsync();
        var feed = Services.AddConsoleStore(database);
        await database.SeedAsync(FailedEvent(1, "report", Now.AddMinutes(-5)));
        SignIn(Role.Viewer);
        RenderPopoverProvider();
        var page = Render<EventsPage>();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("tbody tr.mud-table-row")), Patience);

        // What the outcome writer does on a final failure: persist the event, then publish it with the change.
        var failure = FailedEvent(2, "send-mail", Now);
        await database.SeedAsync(failure);
        feed.Publish(TaskChange.Failed(TaskRow(2, TaskState.Failed, failure.FunctionName), failure, Now));

        page.WaitForAssertion(() =>
        {
            var rows = page.FindAll("tbody tr.mud-table-row");
            Assert.Equal(2, rows.Count);
            Assert.Contains("send-mail", rows[0].TextContent);
            Assert.Contains("event-row--new", rows[0].ClassName);
            Assert.DoesNotContain("event-row--new", rows[1].ClassName);
            Assert.Contains("1 new failure event", page.Find("[data-testid=arrivals]").TextContent);
        }, Patience);
    }

    [Fact]
    public async Task Queries_PageNewestFirst_AndCountTheFilteredTotal()
    {
        await using var database = await TestDatabase.CreateAsync();
        await database.SeedAsync([.. Enumerable.Range(1, 7).Select(n => FailedEvent(n, n % 2 == 0 ? "even_fn" : "odd_fn", Now.AddSeconds(n)))]);
        var queries = new TaskEventQueries(database.Factory);

        var page = await queries.FindFailedAsync(offset: 2, limit: 3);
        var odd = await queries.FindFailedAsync("ODD");

        Assert.Equal(7, page.Total);
        Assert.Equal([Id(5), Id(4), Id(3)], page.Events.Select(e => e.Id));
        Assert.Equal(4, odd.Total);
        Assert.Equal([Id(7), Id(5), Id(3), Id(1)], odd.Events.Select(e => e.Id));
    }
}
