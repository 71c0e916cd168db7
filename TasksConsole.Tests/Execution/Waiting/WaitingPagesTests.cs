using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Execution;
using TasksConsole.Core.Execution.Pauses;
using TasksConsole.Core.Tasks;
using TasksConsole.Tests.Infrastructure;
using TasksConsole.Web.Execution.Waiting;
using TasksConsole.Web.Tasks;
using static TasksConsole.Tests.Infrastructure.ConsoleStore;

namespace TasksConsole.Tests.Execution.Waiting;

/// <summary>The waiting explanation on a task's page and the stuck tasks page, over a real store.</summary>
public sealed class WaitingPagesTests : ConsoleTestContext
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Now);

    [Fact]
    public async Task ANewTasksPage_SaysWhyItWaits_AndFollowsAPauseMadeMeanwhile()
    {
        await using var database = await TestDatabase.CreateAsync();
        Services.AddConsoleStore(database, _clock);
        await database.SeedAsync(TaskRow(1, TaskState.New, start: Now.AddMinutes(-1)), Node());
        SignIn(Role.Viewer);

        var page = Render<TaskDetailPage>(p => p.Add(x => x.Id, Id(1)));

        page.WaitForAssertion(() => Assert.Contains("Nothing holds it", page.Find("[data-testid=task-waiting]").TextContent), Patience);
        await Services.GetRequiredService<DispatchPauses>().PauseAsync(null, "database failover", null, new PausedBy("u1", "ops@example.com"));
        _clock.Advance(TaskWaitPanel.RefreshInterval);
        page.WaitForAssertion(() => Assert.Contains(
            "Dispatch is paused for every function by ops@example.com: database failover.", page.Find("[data-testid=task-waiting]").TextContent), Patience);
    }

    [Theory]
    [InlineData(TaskState.InProgress)]
    [InlineData(TaskState.Complete)]
    public async Task ATaskThatIsNotNew_HasNoWaitingExplanation(TaskState status)
    {
        await using var database = await TestDatabase.CreateAsync();
        Services.AddConsoleStore(database, _clock);
        await database.SeedAsync(TaskRow(1, status), Node());
        SignIn(Role.Viewer);

        var page = Render<TaskDetailPage>(p => p.Add(x => x.Id, Id(1)));

        page.WaitForAssertion(() => Assert.Contains(Id(1), page.Find("h1").TextContent), Patience);
        Assert.Empty(page.FindAll("[data-testid=task-waiting]"));
    }

    [Fact]
    public async Task TheStuckPage_ListsTasksPastTheirLimit_WithTheBoundTheyPassed()
    {
        await using var database = await TestDatabase.CreateAsync();
        Services.AddConsoleStore(database, _clock);
        await database.SeedAsync(
            TaskRow(1, TaskState.InProgress, functionName: "deployed-elsewhere", executionStart: Now.AddMinutes(-2)),
            TaskRow(2, TaskState.InProgress, functionName: "deployed-elsewhere", executionStart: Now.AddSeconds(-5)));
        SignIn(Role.Viewer);

        var page = Render<StuckTasksPage>();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=stuck-tasks] tbody tr")), Patience);
        var row = page.Find("[data-testid=stuck-tasks] tbody tr").TextContent;
        Assert.Contains(Id(1), row);
        Assert.Contains("time limit 30 s", row);
        Assert.Contains("2 min", row);
    }

    [Fact]
    public async Task TheStuckPage_SaysSoWhenNothingIsStuck()
    {
        await using var database = await TestDatabase.CreateAsync();
        Services.AddConsoleStore(database, _clock);
        SignIn(Role.Viewer);

        var page = Render<StuckTasksPage>();

        page.WaitForAssertion(() => Assert.Contains("No task has been running longer than it should", page.Markup), Patience);
    }

    private static NodeRecord Node() => new()
    {
        Id = "node-a", HostName = "host-a", Version = "test", StartedTimestamp = Now, HeartbeatTimestamp = Now, Dispatches = true,
    };
}
