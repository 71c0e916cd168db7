using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Functions;
using TasksConsole.Core.Tasks;
using TasksConsole.Tests.Infrastructure;
using TasksConsole.Web.Components.Shared;
using TasksConsole.Web.Tasks;
using static TasksConsole.Tests.Infrastructure.ConsoleStore;

namespace TasksConsole.Tests.Tasks;

public sealed class TaskDetailPageTests : ConsoleTestContext
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    private IRenderedComponent<TaskDetailPage> RenderPage(string id)
    {
        var page = Render<TaskDetailPage>(p => p.Add(x => x.Id, id));
        page.WaitForAssertion(() => Assert.DoesNotContain("mud-progress-linear", page.Markup), Patience);
        return page;
    }

    [Fact]
    public async Task Viewer_SeesNoCancelButton_EvenForANewTask()
    {
        await using var database = await TestDatabase.CreateAsync();
        Services.AddConsoleStore(database);
        await database.SeedAsync(TaskRow(1, TaskState.New));
        SignIn(Role.Viewer);

        var page = RenderPage(Id(1));

        Assert.Contains(Id(1), page.Find("h1").TextContent);
        Assert.Empty(page.FindAll("[data-testid=cancel-task]"));
    }

    [Theory]
    [InlineData(TaskState.New, true)]
    [InlineData(TaskState.InProgress, false)]
    [InlineData(TaskState.Complete, false)]
    [InlineData(TaskState.Failed, false)]
    public async Task Operator_SeesCancel_OnlyForNewTasks(TaskState status, bool shown)
    {
        await using var database = await TestDatabase.CreateAsync();
        Services.AddConsoleStore(database);
        await database.SeedAsync(TaskRow(1, status));
        SignIn(Role.Operator);

        var page = RenderPage(Id(1));

        Assert.Equal(shown, page.FindAll("[data-testid=cancel-task]").Count == 1);
    }

    [Fact]
    public async Task Operator_CancelsAfterConfirming_AndThePageShowsCanceled()
    {
        await using var database = await TestDatabase.CreateAsync();
        Services.AddConsoleStore(database);
        await database.SeedAsync(TaskRow(1, TaskState.New));
        SignIn(Role.Operator);
        var dialogs = Render<MudDialogProvider>();
        var page = RenderPage(Id(1));

        page.Find("[data-testid=cancel-task]").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("Cancel this task?", dialogs.Markup), Patience);
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Cancel task").Click();

        page.WaitForAssertion(() =>
        {
            Assert.Empty(page.FindAll("[data-testid=cancel-task]"));
            Assert.Contains("canceled", page.Find("header .mud-chip").TextContent);
        }, Patience);
        Assert.Equal(TaskState.Canceled, (await database.ReadTaskAsync(1)).Status);
    }

    [Fact]
    public async Task Clone_OpensTheScheduleDialog_PrefilledFromThisTask()
    {
        await using var database = await TestDatabase.CreateAsync();
        Services.AddConsoleStore(database);
        Services.AddScoped<BrowserTimeZone>();
        await database.SeedAsync(TaskRow(1, TaskState.Complete));
        SignIn(Role.Operator);
        RenderPopoverProvider();
        var dialogs = Render<MudDialogProvider>();
        var page = RenderPage(Id(1));

        page.Find("[data-testid=clone-task]").Click();

        dialogs.WaitForAssertion(() => Assert.Contains("Schedule a copy of a task", dialogs.Markup), Patience);
        Assert.Contains(Id(1), dialogs.Find(".mud-dialog").TextContent);
    }

    [Fact]
    public async Task ATaskForAnUnregisteredFunction_IsMarked_AndAnOperatorCannotRegisterIt()
    {
        await using var database = await TestDatabase.CreateAsync();
        Services.AddConsoleStore(database);
        await database.SeedAsync(TaskRow(1, TaskState.Complete, functionName: "deployed-elsewhere"));
        SignIn(Role.Operator);

        var page = RenderPage(Id(1));

        Assert.Equal("not in the registry", page.Find("[data-testid=function-unregistered]").TextContent.Trim());
        Assert.Empty(page.FindAll("[data-testid=register-function]"));
        Assert.Empty(page.FindAll("a[href='/functions/deployed-elsewhere']"));
    }

    [Fact]
    public async Task AnAdmin_RegistersATasksUnregisteredFunction_FromTheTaskPage_PrefilledWithItsName()
    {
        await using var database = await TestDatabase.CreateAsync();
        Services.AddConsoleStore(database);
        Services.AddSingleton<FunctionService>();
        await database.SeedAsync(TaskRow(1, TaskState.Failed, functionName: "deployed-elsewhere"));
        SignIn(Role.Admin);
        RenderPopoverProvider();
        var dialogs = Render<MudDialogProvider>();
        var page = RenderPage(Id(1));

        page.Find("[data-testid=register-function]").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("Register function", dialogs.Markup), Patience);
        var inputs = dialogs.FindAll(".mud-dialog input").Select(i => i.GetAttribute("value")).ToList();
        Assert.True(inputs.Count(v => v == "deployed-elsewhere") >= 2, $"name and Lambda function name prefilled: {string.Join(", ", inputs)}");
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Register").Click();

        page.WaitForAssertion(() =>
        {
            Assert.Empty(page.FindAll("[data-testid=function-unregistered]"));
            Assert.Single(page.FindAll("a[href='/functions/deployed-elsewhere']"));
        }, Patience);
        Assert.NotNull(await Services.GetRequiredService<IFunctionCatalog>().FindAsync("deployed-elsewhere"));
    }

    [Fact]
    public async Task CreatedByUser_ShowsTheUsersEmail()
    {
        await using var database = await TestDatabase.CreateAsync();
        Services.AddConsoleStore(database);
        SignIn(Role.Viewer);
        var creator = await Services.GetRequiredService<UserService>().CreateAsync("creator@test.local", "a-long-password", Role.Operator);
        var row = TaskRow(1, TaskState.Complete);
        row.CreatedByUserId = creator.Id;
        await database.SeedAsync(row);

        var page = RenderPage(Id(1));

        var cell = page.FindAll("tr").Single(tr => tr.TextContent.Contains("Created by user")).QuerySelector("td")!;
        Assert.Equal("creator@test.local", cell.TextContent.Trim());
    }

    [Theory]
    [InlineData("0123456789abcdef01234567")]
    [InlineData("not-an-id")]
    public async Task UnknownOrMalformedId_ShowsNotFound(string id)
    {
        await using var database = await TestDatabase.CreateAsync();
        Services.AddConsoleStore(database);
        await database.SeedAsync();
        SignIn(Role.Viewer);

        var page = RenderPage(id);

        Assert.Equal("Task not found", page.Find("h1").TextContent.Trim());
        Assert.Contains(id, page.Find("[data-testid=task-not-found]").TextContent);
    }

    [Fact]
    public async Task FailedTask_ShowsItsError_DataResultAndEmptyLogs()
    {
        var task = TaskRow(1, TaskState.Failed, functionName: "send-mail");
        task.DataJson = """{"to":"a@b.c","n":[1,2]}""";
        task.SetError("runtime", "SmtpError", "Mailbox unavailable");
        await using var database = await TestDatabase.CreateAsync();
        Services.AddConsoleStore(database);
        await database.SeedAsync(task);
        SignIn(Role.Viewer);

        var page = RenderPage(Id(1));

        var error = page.Find("[data-testid=task-error]").TextContent;
        Assert.Contains("SmtpError", error);
        Assert.Contains("Mailbox unavailable", error);
        Assert.Contains("runtime", error);
        Assert.Contains("send-mail", page.FindAll("tr").Single(tr => tr.TextContent.Contains("Function")).TextContent);
        Assert.Contains("\"to\": \"a@b.c\"", page.Find("pre.json-block__code").TextContent);
        Assert.Contains("No log lines — logs appear once the function has run", page.Find("[data-testid=no-logs]").TextContent);
    }

    [Fact]
    public async Task CopyButton_WritesThePrettyJsonToTheClipboard()
    {
        var task = TaskRow(1, TaskState.New);
        task.DataJson = """{"a":1}""";
        await using var database = await TestDatabase.CreateAsync();
        Services.AddConsoleStore(database);
        await database.SeedAsync(task);
        SignIn(Role.Viewer);
        var page = RenderPage(Id(1));

        page.Find("button[aria-label='Copy Data to clipboard']").Click();

        var call = Assert.Single(JSInterop.Invocations, i => i.Identifier == "navigator.clipboard.writeText");
        Assert.Equal("{\n  \"a\": 1\n}", call.Arguments[0]);
    }

    [Fact]
    public async Task ANewAttempt_AppearsInTheChain_WhenTheCurrentTaskIsRetried()
    {
        await using var database = await TestDatabase.CreateAsync();
        var feed = Services.AddConsoleStore(database);
        await database.SeedAsync(TaskRow(1, TaskState.InProgress));
        SignIn(Role.Viewer);
        var page = RenderPage(Id(1));
        Assert.Empty(page.FindAll("a.retry-chain__node"));

        // What the outcome writer does when a retry policy applies: mark retried, link, and insert the next attempt.
        await using (var db = database.CreateContext())
        {
            var first = await db.Tasks.FindAsync(Id(1));
            first!.Status = TaskState.Retried;
            first.RetriedByTaskId = Id(2);
            first.SetError("runtime", "FlakyFailure", "try again");
            var retry = TaskRow(2, TaskState.New);
            retry.RetryForTaskIds = [Id(1)];
            db.Tasks.Add(retry);
            await db.SaveChangesAsync();
        }
        var now = DateTimeOffset.UtcNow;
        feed.Publish(TaskChange.StatusChanged(TaskRow(1, TaskState.Retried), now));
        feed.Publish(TaskChange.Created(TaskRow(2, TaskState.New), now));

        page.WaitForAssertion(() =>
        {
            var nodes = page.FindAll("a.retry-chain__node");
            Assert.Equal(2, nodes.Count);
            Assert.Equal("page", nodes[0].GetAttribute("aria-current"));
            Assert.Contains("FlakyFailure", page.Find("[data-testid=task-error]").TextContent);
        }, Patience);
    }
}
