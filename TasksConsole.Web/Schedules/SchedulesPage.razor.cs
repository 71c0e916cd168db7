using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Common;
using TasksConsole.Core.Rql;
using TasksConsole.Core.Schedules;
using TasksConsole.Web.Auth;

namespace TasksConsole.Web.Schedules;

public partial class SchedulesPage(ScheduleService schedules, IDialogService dialogs, ISnackbar snackbar)
{
    private readonly HashSet<string> _busy = [];
    private MudTable<ScheduleRecord>? _table;
    private bool _canCreate;
    private bool _canUpdate;
    private bool _canDelete;
    private string? _error;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        var user = (await AuthenticationState).User;
        _canCreate = user.HasPermission(Permissions.CreateTaskSchedule);
        _canUpdate = user.HasPermission(Permissions.UpdateTaskSchedule);
        _canDelete = user.HasPermission(Permissions.DeleteTaskSchedule);
    }

    private static string FunctionHref(string name) => "/functions/" + Uri.EscapeDataString(name);

    private async Task<TableData<ScheduleRecord>> LoadAsync(TableState state, CancellationToken cancellationToken)
    {
        try
        {
            // A paused schedule's stored next firing is stale, so active ones lead, in the order they fire.
            var rql = $"sort(+paused,+nextTimestamp,+id)&limit({state.PageSize},{state.Page * state.PageSize})";
            var page = await schedules.FindAsync(RqlParser.Parse(rql), cancellationToken);
            _error = null;
            return new TableData<ScheduleRecord> { Items = page.Schedules, TotalItems = (int)Math.Min(page.Total ?? 0, int.MaxValue) };
        }
        catch (OperationCanceledException)
        {
            return new TableData<ScheduleRecord>();
        }
        catch (Exception ex)
        {
            _error = $"The schedules could not be loaded: {ex.Message}";
            return new TableData<ScheduleRecord>();
        }
    }

    private Task ReloadAsync() => _table?.ReloadServerData() ?? Task.CompletedTask;

    private async Task<bool> AllowedAsync(string permission, string action)
    {
        // Buttons are hidden without the permission; this covers a role changed while the page was open.
        if ((await AuthenticationState).User.HasPermission(permission)) return true;
        snackbar.Add($"{action} needs the {permission} permission.", Severity.Error);
        return false;
    }

    private async Task CreateAsync()
    {
        if (!await AllowedAsync(Permissions.CreateTaskSchedule, "Creating a schedule")) return;
        var dialog = await dialogs.ShowAsync<CreateScheduleDialog>("Create schedule",
            new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true, CloseOnEscapeKey = true });
        if (await dialog.Result is { Canceled: false })
        {
            snackbar.Add("The schedule is created.", Severity.Success);
            await ReloadAsync();
        }
    }

    private async Task PreviewAsync(ScheduleRecord schedule)
    {
        if (!await AllowedAsync(Permissions.ViewTaskSchedules, "Previewing a schedule")) return;
        var parameters = new DialogParameters<SchedulePreviewDialog> { { d => d.Schedule, schedule } };
        await dialogs.ShowAsync<SchedulePreviewDialog>("Next firings", parameters,
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, CloseOnEscapeKey = true });
    }

    private Task PauseAsync(ScheduleRecord schedule) =>
        ChangeAsync(schedule, Permissions.UpdateTaskSchedule, "Pausing a schedule", () => schedules.PauseAsync(schedule.Id),
            $"Paused {ScheduleText.Describe(schedule)}.");

    private Task ResumeAsync(ScheduleRecord schedule) =>
        ChangeAsync(schedule, Permissions.UpdateTaskSchedule, "Resuming a schedule", () => schedules.ResumeAsync(schedule.Id),
            $"Resumed {ScheduleText.Describe(schedule)}; the slots missed while paused are skipped.");

    private async Task DeleteAsync(ScheduleRecord schedule)
    {
        if (!await AllowedAsync(Permissions.DeleteTaskSchedule, "Deleting a schedule")) return;
        var confirmed = await dialogs.ShowMessageBoxAsync(
            "Delete this schedule?",
            $"This stops {ScheduleText.Describe(schedule)}. The tasks it already created are kept.",
            yesText: "Delete", cancelText: "Cancel");
        if (confirmed != true) return;
        await ChangeAsync(schedule, Permissions.DeleteTaskSchedule, "Deleting a schedule", () => schedules.DeleteAsync(schedule.Id),
            $"Deleted {ScheduleText.Describe(schedule)}.");
    }

    private async Task ChangeAsync(ScheduleRecord schedule, string permission, string action, Func<Task<int>> change, string done)
    {
        if (!await AllowedAsync(permission, action)) return;
        _busy.Add(schedule.Id);
        try
        {
            await change();
            snackbar.Add(done, Severity.Success);
        }
        catch (ServiceException ex)
        {
            snackbar.Add(ex.Message, Severity.Error);
        }
        finally
        {
            _busy.Remove(schedule.Id);
        }
        await ReloadAsync();
    }
}
