using System.Security.Claims;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Tasks;
using TasksConsole.Tests.Infrastructure;
using TasksConsole.Web.Auth;
using TasksConsole.Web.Tasks;

namespace TasksConsole.Tests.Tasks;

/// <summary>The tasks page's cancel flows without the page: the real task service, MudBlazor's snackbar service.</summary>
public sealed class TaskCancelActionsTests : ConsoleTestContext
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task CancelSelected_AsksFirst_ThenCancelsTheNewTasks_AndCountsEachOtherOutcomeApart()
    {
        await using var database = await TestDatabase.CreateAsync();
        Services.AddTaskConsole(database);
        var dialogs = Render<MudDialogProvider>();
        var first = await CreateAsync();
        var started = await CreateAsync();
        var canceledMeanwhile = await CreateAsync();
        await database.SetStatusAsync(started.Id, TaskState.InProgress);
        await database.SetStatusAsync(canceledMeanwhile.Id, TaskState.Canceled);
        var reported = new List<string>();

        var running = Actions().CancelSelectedAsync(UserOf(Role.Operator), [first, started, canceledMeanwhile], reported.Add);
        Answer(dialogs, "Cancel 3 tasks?", "Cancel 3 tasks");
        var ran = await running.WaitAsync(Patience);

        Assert.True(ran);
        Assert.Equal([first.Id, canceledMeanwhile.Id], reported);
        var statuses = (await database.AllTasksAsync()).ToDictionary(t => t.Id, t => t.Status);
        Assert.Equal(TaskState.Canceled, statuses[first.Id]);
        Assert.Equal(TaskState.InProgress, statuses[started.Id]);
        Assert.Equal(["1 canceled, 1 was already canceled, 1 had already started."], Messages());
    }

    [Fact]
    public async Task CancelSelected_KeepingThem_CancelsNothing_AndKeepsTheSelection()
    {
        await using var database = await TestDatabase.CreateAsync();
        Services.AddTaskConsole(database);
        var dialogs = Render<MudDialogProvider>();
        var task = await CreateAsync();

        var running = Actions().CancelSelectedAsync(UserOf(Role.Operator), [task], _ => { });
        Answer(dialogs, "Cancel 1 task?", "Keep them");

        Assert.False(await running.WaitAsync(Patience));
        Assert.Equal(TaskState.New, Assert.Single(await database.AllTasksAsync()).Status);
        Assert.Empty(Messages());
    }

    [Fact]
    public async Task WithoutTheCancelPermission_NothingIsCanceled_AndTheUserIsTold()
    {
        await using var database = await TestDatabase.CreateAsync();
        Services.AddTaskConsole(database);
        var task = await CreateAsync();
        var actions = Actions();

        var ran = await actions.CancelSelectedAsync(UserOf(Role.Viewer), [task], _ => { });
        await actions.CancelOneAsync(UserOf(Role.Viewer), task);

        Assert.False(ran);
        Assert.Equal(TaskState.New, Assert.Single(await database.AllTasksAsync()).Status);
        Assert.Equal(TaskState.New, task.Status);
        Assert.Contains($"Cancelling tasks needs the {Permissions.CancelTasks} permission.", Messages());
    }

    [Fact]
    public async Task CancelOne_AsksFirst_ThenMarksTheRowCanceled_OrSaysWhyNot()
    {
        await using var database = await TestDatabase.CreateAsync();
        Services.AddTaskConsole(database);
        var dialogs = Render<MudDialogProvider>();
        var task = await CreateAsync();
        var started = await CreateAsync();
        var canceled = await CreateAsync();
        var kept = await CreateAsync();
        await database.SetStatusAsync(started.Id, TaskState.InProgress);
        await database.SetStatusAsync(canceled.Id, TaskState.Canceled);
        var actions = Actions();

        foreach (var row in new[] { task, started, canceled })
        {
            var running = actions.CancelOneAsync(UserOf(Role.Operator), row);
            Answer(dialogs, "Cancel this task?", "Cancel task");
            await running.WaitAsync(Patience);
        }
        var keeping = actions.CancelOneAsync(UserOf(Role.Operator), kept);
        Answer(dialogs, "Cancel this task?", "Keep it");
        await keeping.WaitAsync(Patience);

        Assert.Equal(TaskState.Canceled, task.Status);
        Assert.Equal(TaskState.New, kept.Status);
        Assert.Equal(TaskState.New, (await database.AllTasksAsync()).Single(t => t.Id == kept.Id).Status);
        Assert.Equal([
            $"Task {task.Id} canceled.",
            $"Task {started.Id} had already started; it was not canceled.",
            $"Task {canceled.Id} was already canceled.",
        ], Messages());
    }

    /// <summary>Waits for the confirmation titled <paramref name="title"/> and presses <paramref name="button"/>.</summary>
    private static void Answer(IRenderedComponent<MudDialogProvider> dialogs, string title, string button)
    {
        dialogs.WaitForAssertion(() => Assert.Contains(title, dialogs.Find(".mud-dialog-title").TextContent), Patience);
        dialogs.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == button).Click();
        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll(".mud-dialog")), Patience);
    }

    private TaskCancelActions Actions() => new(
        Services.GetRequiredService<TaskService>(), Services.GetRequiredService<IDialogService>(), Services.GetRequiredService<ISnackbar>());

    private Task<TaskRecord> CreateAsync() =>
        Services.GetRequiredService<TaskService>().CreateAsync(new NewTask("echo"), Caller.System);

    private List<string> Messages() => Services.GetRequiredService<ISnackbar>().ShownSnackbars.Select(s => s.Message ?? "").ToList();

    private static ClaimsPrincipal UserOf(Role role) => new(new ClaimsIdentity(
        Permissions.For(role).Select(p => new Claim(TasksClaimTypes.Permission, p)), authenticationType: "test"));
}
