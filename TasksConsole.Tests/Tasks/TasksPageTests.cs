using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Tasks;
using TasksConsole.Core.Tasks.Search;
using TasksConsole.Tests.Infrastructure;
using TasksConsole.Web.Tasks;

namespace TasksConsole.Tests.Tasks;

public sealed class TasksPageTests : ConsoleTestContext
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task AViewer_SeesTheTasks_ButNoScheduleOrCancelActions()
    {
        await using var database = await TestDatabase.CreateAsync();
        Services.AddTaskConsole(database);
        SignIn(Role.Viewer);
        var task = await CreateAsync("echo", ["a"]);
        RenderPopoverProvider();

        var page = Render<TasksPage>();

        page.WaitForAssertion(() => Assert.Contains(task.Id, page.Markup), Patience);
        Assert.Empty(page.FindAll("[data-testid=schedule-task]"));
        Assert.Empty(page.FindAll("[data-testid=cancel-selected]"));
        Assert.Empty(page.FindAll("[data-testid=cancel-matching]"));
        Assert.Empty(page.FindAll(".mud-table-body input[type=checkbox]"));
    }

    [Fact]
    public async Task AnOperator_SeesScheduleAndCancelActions_AndCanSelectRows()
    {
        await using var database = await TestDatabase.CreateAsync();
        Services.AddTaskConsole(database);
        SignIn(Role.Operator);
        var task = await CreateAsync("echo", ["a"]);
        RenderPopoverProvider();

        var page = Render<TasksPage>();

        page.WaitForAssertion(() => Assert.Contains(task.Id, page.Markup), Patience);
        Assert.Single(page.FindAll("[data-testid=schedule-task]"));
        Assert.Contains("Cancel selected (0)", page.Find("[data-testid=cancel-selected]").TextContent);
        Assert.Single(page.FindAll("[data-testid=cancel-matching]"));
        Assert.Single(page.FindAll(".mud-table-body input[type=checkbox]"));
    }

    [Fact]
    public async Task TheFilterInTheUrl_IsAppliedOnLoad_AndShownAsTheEquivalentRestCall()
    {
        await using var database = await TestDatabase.CreateAsync();
        Services.AddTaskConsole(database);
        SignIn(Role.Viewer);
        var failed = await CreateAsync("echo", ["a"]);
        await database.SetStatusAsync(failed.Id, TaskState.Failed);
        var fresh = await CreateAsync("echo", ["a"]);
        RenderPopoverProvider();
        Services.GetRequiredService<NavigationManager>().NavigateTo("/tasks?status=failed&any=a");

        var page = Render<TasksPage>();

        page.WaitForAssertion(() => Assert.Contains(failed.Id, page.Markup), Patience);
        Assert.DoesNotContain(fresh.Id, page.Markup);
        Assert.Contains("GET /tasks/v1/?eq(status,failed)&amp;in(tags,a)&amp;sort(-creationTimestamp)", page.Markup);
        Assert.Equal("1 task matches", page.Find("[data-testid=task-total]").TextContent.Trim());
    }

    [Fact]
    public async Task ChoosingAStatus_PutsTheFilterInTheUrl_AndReloadsTheGrid()
    {
        await using var database = await TestDatabase.CreateAsync();
        Services.AddTaskConsole(database);
        SignIn(Role.Viewer);
        var failed = await CreateAsync("echo", []);
        await database.SetStatusAsync(failed.Id, TaskState.Failed);
        var fresh = await CreateAsync("echo", []);
        RenderPopoverProvider();
        var page = Render<TasksPage>();
        page.WaitForAssertion(() => Assert.Contains(fresh.Id, page.Markup), Patience);

        page.FindAll("[role=search] .mud-chip").Single(chip => chip.TextContent.Trim() == "failed").Click();

        page.WaitForAssertion(() => Assert.DoesNotContain(fresh.Id, page.Markup), Patience);
        Assert.Contains(failed.Id, page.Markup);
        Assert.EndsWith("/tasks?status=failed", Services.GetRequiredService<NavigationManager>().Uri);
    }

    [Fact]
    public async Task AStatusChange_UpdatesTheVisibleRowInPlace()
    {
        await using var database = await TestDatabase.CreateAsync();
        Services.AddTaskConsole(database);
        SignIn(Role.Viewer);
        var task = await CreateAsync("echo", []);
        RenderPopoverProvider();
        var page = Render<TasksPage>();
        page.WaitForAssertion(() => Assert.Contains(task.Id, page.Markup), Patience);

        await Services.GetRequiredService<TaskService>().TryCancelAsync(task.Id);

        page.WaitForAssertion(() => Assert.Equal("canceled", StatusOf(page, task.Id)), Patience);
    }

    [Fact]
    public async Task ANewMatchingTask_AppearsAtTheTop_WhenTheNewestTasksAreOnScreen()
    {
        await using var database = await TestDatabase.CreateAsync();
        Services.AddTaskConsole(database);
        SignIn(Role.Viewer);
        var old = await CreateAsync("echo", []);
        RenderPopoverProvider();
        var page = Render<TasksPage>();
        page.WaitForAssertion(() => Assert.Contains(old.Id, page.Markup), Patience);

        var added = await CreateAsync("echo", []);
        var another = await CreateAsync("other", []);

        page.WaitForAssertion(() => Assert.Contains(another.Id, page.Markup), Patience);
        Assert.Empty(page.FindAll("[data-testid=new-tasks-banner]"));
        var ids = page.FindAll(".mud-table-body a.mono").Select(a => a.TextContent.Trim()).ToList();
        Assert.Equal([another.Id, added.Id, old.Id], ids);
    }

    [Fact]
    public async Task NewTasks_ShowABanner_InsteadOfMovingRows_WhenTheGridIsSortedOtherwise()
    {
        await using var database = await TestDatabase.CreateAsync();
        Services.AddTaskConsole(database);
        SignIn(Role.Viewer);
        var old = await CreateAsync("echo", []);
        RenderPopoverProvider();
        Services.GetRequiredService<NavigationManager>().NavigateTo("/tasks?fn=echo");
        var page = Render<TasksPage>();
        page.WaitForAssertion(() => Assert.Contains(old.Id, page.Markup), Patience);
        var grid = page.FindComponent<MudDataGrid<TaskRecord>>();
        await page.InvokeAsync(() => grid.Instance.SetSortAsync(nameof(TaskRecord.Priority), SortDirection.Ascending, t => t.Priority, null));

        var added = await CreateAsync("echo", []);
        await CreateAsync("other", []);

        page.WaitForAssertion(() => Assert.Contains("1 new task matches", page.Find("[data-testid=new-tasks-banner]").TextContent), Patience);
        Assert.DoesNotContain(added.Id, page.Markup);

        page.Find("[data-testid=new-tasks-banner] button").Click();

        page.WaitForAssertion(() => Assert.Contains(added.Id, page.Markup), Patience);
        Assert.Empty(page.FindAll("[data-testid=new-tasks-banner]"));
        // "Show" keeps the order the user chose.
        Assert.Contains("sort(+priority)", page.Markup);
        Assert.Contains("sort=priority", Services.GetRequiredService<NavigationManager>().Uri);
    }

    [Fact]
    public async Task SortAndPageSize_ComeFromTheUrl_AndAFilterChange_IsAHistoryEntryKeepingThem()
    {
        await using var database = await TestDatabase.CreateAsync();
        Services.AddTaskConsole(database);
        SignIn(Role.Viewer);
        var failed = await CreateAsync("echo", []);
        await database.SetStatusAsync(failed.Id, TaskState.Failed);
        await CreateAsync("echo", []);
        RenderPopoverProvider();
        var navigation = (BunitNavigationManager)Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("/tasks?sort=-functionName&size=50");

        var page = Render<TasksPage>();

        page.WaitForAssertion(() => Assert.Contains("sort(-functionName)", page.Markup), Patience);
        Assert.Equal(50, page.FindComponent<MudDataGrid<TaskRecord>>().Instance.RowsPerPage);
        Assert.Equal(SortDirection.Descending, page.FindComponent<MudDataGrid<TaskRecord>>().Instance.SortDefinitions[nameof(TaskRecord.FunctionName)].Descending ? SortDirection.Descending : SortDirection.Ascending);

        page.FindAll("[role=search] .mud-chip").Single(chip => chip.TextContent.Trim() == "failed").Click();

        page.WaitForAssertion(() => Assert.EndsWith("/tasks?status=failed&sort=-functionName&size=50", navigation.Uri), Patience);
        var entry = navigation.History.First(h => h.Uri.Contains("status=failed", StringComparison.Ordinal));
        Assert.False(entry.Options.ReplaceHistoryEntry);
    }

    [Fact]
    public async Task CancelSelected_CancelsTheSelectedTasks_AndSaysWhichHadAlreadyStarted()
    {
        await using var database = await TestDatabase.CreateAsync();
        Services.AddTaskConsole(database);
        SignIn(Role.Operator);
        var first = await CreateAsync("echo", []);
        var second = await CreateAsync("echo", []);
        var third = await CreateAsync("echo", []);
        RenderPopoverProvider();
        var snackbars = Render<MudSnackbarProvider>();
        var dialogs = Render<MudDialogProvider>();
        var page = Render<TasksPage>();
        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll(".mud-table-body input[type=checkbox]").Count), Patience);

        foreach (var id in new[] { first.Id, third.Id })
        {
            page.FindAll(".mud-table-body tr").Single(row => row.TextContent.Contains(id)).QuerySelector("input[type=checkbox]")!.Change(true);
        }
        await database.SetStatusAsync(third.Id, TaskState.InProgress);
        page.WaitForAssertion(() => Assert.Contains("Cancel selected (2)", page.Find("[data-testid=cancel-selected]").TextContent));
        page.Find("[data-testid=cancel-selected]").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("Cancel 2 tasks?", dialogs.Markup), Patience);
        dialogs.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Cancel 2 tasks").Click();

        snackbars.WaitForAssertion(() => Assert.Contains("1 canceled, 1 had already started.", snackbars.Markup), Patience);
        var statuses = (await database.AllTasksAsync()).ToDictionary(t => t.Id, t => t.Status);
        Assert.Equal(TaskState.Canceled, statuses[first.Id]);
        Assert.Equal(TaskState.New, statuses[second.Id]);
        Assert.Equal(TaskState.InProgress, statuses[third.Id]);
        page.WaitForAssertion(() => Assert.Contains("Cancel selected (0)", page.Find("[data-testid=cancel-selected]").TextContent));
        // Only new tasks can be selected: the canceled one no longer can.
        page.WaitForAssertion(() => Assert.Equal(
            [(first.Id, true), (second.Id, false)],
            new[] { first.Id, second.Id }.Select(id => (id, CheckboxOf(page, id).HasAttribute("disabled")))), Patience);
    }

    [Fact]
    public async Task CancelAllMatching_StatesTheExactCount_ThenCancelsOnlyThoseTasks()
    {
        await using var database = await TestDatabase.CreateAsync();
        Services.AddTaskConsole(database);
        SignIn(Role.Operator);
        var matching = new[] { await CreateAsync("echo", ["x"]), await CreateAsync("echo", ["x"]) };
        var started = await CreateAsync("echo", ["x"]);
        await database.SetStatusAsync(started.Id, TaskState.InProgress);
        var other = await CreateAsync("echo", ["y"]);
        RenderPopoverProvider();
        var dialogs = Render<MudDialogProvider>();
        Services.GetRequiredService<NavigationManager>().NavigateTo("/tasks?any=x");
        var page = Render<TasksPage>();
        page.WaitForAssertion(() => Assert.Contains(started.Id, page.Markup), Patience);

        page.Find("[data-testid=cancel-matching]").Click();

        dialogs.WaitForAssertion(() => Assert.Equal("2", dialogs.Find("[data-testid=cancel-count]").TextContent), Patience);
        // The RQL reads as the REST line does: no "string:" prefixes.
        Assert.Contains("in(tags,x)&amp;eq(status,new)", dialogs.Markup);
        Assert.DoesNotContain("string:", dialogs.Markup);
        dialogs.Find("[data-testid=confirm-cancel-matching]").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("Done: 2 canceled.", dialogs.Markup), Patience);
        // Success is not drawn in red.
        Assert.Contains("mud-progress-linear-color-success", dialogs.Markup);
        Assert.DoesNotContain("mud-progress-linear-color-error", dialogs.Markup);

        var statuses = (await database.AllTasksAsync()).ToDictionary(t => t.Id, t => t.Status);
        Assert.All(matching, t => Assert.Equal(TaskState.Canceled, statuses[t.Id]));
        Assert.Equal(TaskState.InProgress, statuses[started.Id]);
        Assert.Equal(TaskState.New, statuses[other.Id]);
    }

    [Fact]
    public async Task AnEmptyStore_SaysHowToGetTasks_AndAnEmptyFilterResult_OffersToClearTheFilters()
    {
        await using var database = await TestDatabase.CreateAsync();
        Services.AddTaskConsole(database);
        SignIn(Role.Operator);
        RenderPopoverProvider();
        var page = Render<TasksPage>();

        page.WaitForAssertion(() => Assert.Contains("No tasks yet.", page.Markup), Patience);
        Assert.Contains("Schedule one", page.Markup);

        Services.GetRequiredService<NavigationManager>().NavigateTo("/tasks?fn=nothing");

        page.WaitForAssertion(() => Assert.Contains("No tasks match these filters.", page.Markup), Patience);
        page.FindAll("button").First(b => b.TextContent.Contains("Clear filters")).Click();
        page.WaitForAssertion(() => Assert.Contains("No tasks yet.", page.Markup), Patience);
        Assert.EndsWith("/tasks", Services.GetRequiredService<NavigationManager>().Uri);
    }

    [Fact]
    public void TheExportLinks_CarryTheFilter()
    {
        var filter = new TaskFilter { Statuses = [TaskState.Failed], AnyTags = ["a b"] };

        Assert.Equal("/console/export/tasks?format=csv&status=failed&any=a%20b", TaskExportEndpoint.UrlFor(filter, "csv"));
        Assert.Equal("/console/export/tasks?format=json", TaskExportEndpoint.UrlFor(TaskFilter.Empty, "json"));
    }

    [Fact]
    public async Task ACloneLink_OpensTheScheduleDialog_PrefilledFromThatTask_AndLeavesTheUrl()
    {
        await using var database = await TestDatabase.CreateAsync();
        Services.AddTaskConsole(database);
        SignIn(Role.Operator);
        var task = await CreateAsync("sleep", ["cloned"]);
        RenderPopoverProvider();
        var dialogs = Render<MudDialogProvider>();
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo($"/tasks?status=new&clone={task.Id}");

        Render<TasksPage>();

        dialogs.WaitForAssertion(() => Assert.Contains("Schedule a copy of a task", dialogs.Markup), Patience);
        Assert.Contains(task.Id, dialogs.Markup);
        Assert.Equal("sleep", dialogs.Find(".mud-autocomplete input").GetAttribute("value"));
        Assert.EndsWith("/tasks?status=new", navigation.Uri);
    }

    [Fact]
    public async Task ASearchInsideData_OnAStoreTooLargeToSearchWhole_CoversTheLastDay_AndSaysSo()
    {
        await using var database = await TestDatabase.CreateAsync();
        Services.AddTaskConsole(database);
        // Three tasks and a limit of two: this store is "too large" to search inside every task.
        Services.AddSingleton(new TaskQueries(database.Factory, Options.Create(new TaskSearchOptions { MaxScannedTasks = 2 })));
        SignIn(Role.Viewer);
        var tasks = Services.GetRequiredService<TaskService>();
        var old = await tasks.CreateAsync(new NewTask("echo", """{"tier":"gold"}"""), Caller.System);
        await using (var db = database.CreateContext())
        {
            (await db.Tasks.FindAsync(old.Id))!.CreationTimestamp = DateTimeOffset.UtcNow.AddDays(-2);
            await db.SaveChangesAsync();
        }
        var gold = await tasks.CreateAsync(new NewTask("echo", """{"tier":"gold"}"""), Caller.System);
        var silver = await tasks.CreateAsync(new NewTask("echo", """{"tier":"silver"}"""), Caller.System);
        RenderPopoverProvider();
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("/tasks?data=tier&dataValue=gold");

        var page = Render<TasksPage>();

        page.WaitForAssertion(() => Assert.Contains(gold.Id, page.Markup), Patience);
        Assert.DoesNotContain(old.Id, page.Markup);
        Assert.DoesNotContain(silver.Id, page.Markup);
        var note = string.Join(' ', page.Find("[data-testid=search-window-note]").TextContent.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("covers tasks created in the last 24 hours", note);
        page.WaitForAssertion(() => Assert.Contains("createdFrom=", navigation.Uri), Patience);
        Assert.Empty(page.FindAll("[data-testid=tasks-error]"));
    }

    private Task<TaskRecord> CreateAsync(string function, string[] tags) =>
        Services.GetRequiredService<TaskService>().CreateAsync(new NewTask(function, Tags: tags), Caller.System);

    private static AngleSharp.Dom.IElement CheckboxOf(IRenderedComponent<TasksPage> page, string taskId) =>
        page.FindAll(".mud-table-body tr").Single(row => row.TextContent.Contains(taskId)).QuerySelector("input[type=checkbox]")!;

    private static string StatusOf(IRenderedComponent<TasksPage> page, string taskId) =>
        page.FindAll(".mud-table-body tr").Single(row => row.TextContent.Contains(taskId))
            .QuerySelectorAll(".mud-chip").First().TextContent.Trim();
}
