using System.Security.Claims;
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
    [Fact]
    public async Task CancelSelected_CancelsTheNewTasks_ReportsEach_AndSaysWhichHadAlreadyStarted()
    {
        await using var database = await TestDatabase.CreateAsync();
        Services.AddTaskConsole(database);
        var first = await CreateAsync();
        var started = await CreateAsync();
        await database.SetStatusAsync(started.Id, TaskState.InProgress);
        var reported = new List<string>();

        var ran = await Actions().CancelSelectedAsync(UserOf(Role.Operator), [first, started], reported.Add);

        Assert.True(ran);
        Assert.Equal([first.Id], reported);
        var statuses = (await database.AllTasksAsync()).ToDictionary(t => t.Id, t => t.Status);
        Assert.Equal(TaskState.Canceled, statuses[first.Id]);
        Assert.Equal(TaskState.InProgress, statuses[started.Id]);
        Assert.Equal(["1 canceled, 1 had already started."], Messages());
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
    public async Task CancelOne_MarksTheRowCanceled_OrSaysItHadAlreadyStarted()
    {
        await using var database = await TestDatabase.CreateAsync();
        Services.AddTaskConsole(database);
        var task = await CreateAsync();
        var started = await CreateAsync();
        await database.SetStatusAsync(started.Id, TaskState.InProgress);
        var actions = Actions();

        await actions.CancelOneAsync(UserOf(Role.Operator), task);
        await actions.CancelOneAsync(UserOf(Role.Operator), started);

        Assert.Equal(TaskState.Canceled, task.Status);
        Assert.Equal([$"Task {task.Id} canceled.", $"Task {started.Id} had already started; it was not canceled."], Messages());
    }

    private TaskCancelActions Actions() => new(
        Services.GetRequiredService<TaskService>(), Services.GetRequiredService<IDialogService>(), Services.GetRequiredService<ISnackbar>());

    private Task<TaskRecord> CreateAsync() =>
        Services.GetRequiredService<TaskService>().CreateAsync(new NewTask("echo"), Caller.System);

    private List<string> Messages() => Services.GetRequiredService<ISnackbar>().ShownSnackbars.Select(s => s.Message ?? "").ToList();

    private static ClaimsPrincipal UserOf(Role role) => new(new ClaimsIdentity(
        Permissions.For(role).Select(p => new Claim(TasksClaimTypes.Permission, p)), authenticationType: "test"));
}
