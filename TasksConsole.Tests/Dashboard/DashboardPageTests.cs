using Bunit;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Tasks;
using TasksConsole.Tests.Infrastructure;
using TasksConsole.Web.Dashboard;
using static TasksConsole.Tests.Infrastructure.ConsoleStore;

namespace TasksConsole.Tests.Dashboard;

public sealed class DashboardPageTests : ConsoleTestContext
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);
    private static readonly DateTimeOffset Now = Ms(DateTimeOffset.UtcNow);

    [Fact]
    public async Task ShowsCountsByStatus_StartLag_AndTheFunctionsFailingMost()
    {
        await using var database = await TestDatabase.CreateAsync();
        Services.AddConsoleStore(database);
        await database.SeedAsync(
            TaskRow(1, TaskState.New),
            TaskRow(2, TaskState.New),
            TaskRow(3, TaskState.Complete, start: Now.AddMinutes(-3), executionStart: Now.AddMinutes(-3).AddSeconds(2), statusChanged: Now.AddMinutes(-2)),
            TaskRow(4, TaskState.Failed, statusChanged: Now.AddMinutes(-1)),
            FailedEvent(4, "import_csv", Now.AddMinutes(-1)));
        SignIn(Role.Viewer);

        var page = Render<DashboardPage>();

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll(".status-card")), Patience);
        string Count(string status) => page.Find($".status-card[data-status={status}] .status-card__count").TextContent.Trim();
        Assert.Equal("2", Count("new"));
        Assert.Equal("1", Count("complete"));
        Assert.Equal("1", Count("failed"));
        Assert.Equal("0", Count("canceled"));
        Assert.Equal("/tasks?status=inProgress", page.Find(".status-card[data-status=inProgress]").GetAttribute("href"));
        Assert.Contains("p50", page.Find("[data-testid=start-lag]").TextContent);
        Assert.Contains("2 s", page.Find("[data-testid=start-lag]").TextContent);
        Assert.Equal("/tasks?fn=import_csv&status=failed", page.Find("[data-testid=top-failing] a").GetAttribute("href"));
        Assert.Contains("1 completed", page.Find("[data-testid=throughput-summary]").TextContent);
    }

    [Fact]
    public async Task RefreshesWhenTasksChange()
    {
        await using var database = await TestDatabase.CreateAsync();
        var feed = Services.AddConsoleStore(database);
        SignIn(Role.Viewer);
        var page = Render<DashboardPage>();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll(".status-card")), Patience);

        var task = TaskRow(1, TaskState.New);
        await database.SeedAsync(task);
        feed.Publish(TaskChange.Created(task, Now));

        page.WaitForAssertion(
            () => Assert.Equal("1", page.Find(".status-card[data-status=new] .status-card__count").TextContent.Trim()), Patience);
    }
}
