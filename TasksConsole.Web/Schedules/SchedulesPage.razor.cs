using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Common;
using TasksConsole.Core.Rql;
using TasksConsole.Core.Schedules;
using TasksConsole.Core.Tasks;
using TasksConsole.Web.Auth;

namespace TasksConsole.Web.Schedules;

public partial class SchedulesPage(ScheduleService schedules, IDialogService dialogs, ISnackbar snackbar)
{
    private readonly HashSet<string> _busy = [];
    private MudTable<ScheduleRecord>? _table;
    private bool _canCreate;
    private bool _canFireNow;
    private bool _canUpdate;
    private bool _canDelete;
    private string? _error;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        var user = (await AuthenticationState).User;
        _canCreate = user.HasPermission(Permissions.CreateTaskSchedule);
        // Firing once only creates a task, so it takes the permission to create tasks: operators may, unlike pausing.
        _canFireNow = user.HasPermission(Permissions.CreateTasks);
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
            // The dialog handles Escape itself, so that Escape in one of its drop-downs closes only the drop-down.
            new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true, CloseOnEscapeKey = false });
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
            $"Paused {ScheduleText.Describe(schedule)}.", keepInPlace: true);

    private Task ResumeAsync(ScheduleRecord schedule) =>
        ChangeAsync(schedule, Permissions.UpdateTaskSchedule, "Resuming a schedule", () => schedules.ResumeAsync(schedule.Id),
            $"Resumed {ScheduleText.Describe(schedule)}; the slots missed while paused are skipped.", keepInPlace: true);

    /// <summary>
    /// Creates the schedule's extra task now. The row stays as it is: the schedule's next firing and state do not change.
    /// </summary>
    private async Task FireNowAsync(ScheduleRecord schedule)
    {
        if (!await AllowedAsync(Permissions.CreateTasks, "Firing a schedule")) return;
        var user = (await AuthenticationState).User;
        _busy.Add(schedule.Id);
        TaskRecord? task = null;
        try
        {
            task = await schedules.FireNowAsync(schedule.Id, new Caller(user.GetUserId(), null));
            if (task is null) snackbar.Add($"Nothing was fired: {ScheduleText.Describe(schedule)} no longer exists.", Severity.Warning);
            else snackbar.Add(FiredMessage(schedule, task), Severity.Success);
        }
        catch (ServiceException ex)
        {
            snackbar.Add(ex.Message, Severity.Error);
        }
        finally
        {
            _busy.Remove(schedule.Id);
        }
        // A schedule deleted elsewhere leaves the list; after an error the list shows what is stored now.
        if (task is null) await ReloadAsync();
    }

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

    /// <summary>
    /// Runs <paramref name="change"/> on the schedule. With <paramref name="keepInPlace"/> the row is refreshed where
    /// it stands instead of reloading the page: the list is sorted by state, and a paused row that jumped to the end
    /// would slide the next schedule under the pointer, where a second click would pause the wrong one. The order
    /// catches up on Refresh.
    /// </summary>
    private async Task ChangeAsync(ScheduleRecord schedule, string permission, string action, Func<Task<int>> change, string done,
        bool keepInPlace = false)
    {
        if (!await AllowedAsync(permission, action)) return;
        _busy.Add(schedule.Id);
        var refreshed = false;
        try
        {
            await change();
            snackbar.Add(done, Severity.Success);
            if (keepInPlace) refreshed = await RefreshRowAsync(schedule);
        }
        catch (ServiceException ex)
        {
            snackbar.Add(ex.Message, Severity.Error);
        }
        finally
        {
            _busy.Remove(schedule.Id);
        }
        if (!refreshed) await ReloadAsync();
    }

    /// <summary>Copies the schedule's stored state onto its row; false when it is gone (the page then reloads).</summary>
    private async Task<bool> RefreshRowAsync(ScheduleRecord row)
    {
        if (await schedules.FindByIdAsync(row.Id) is not { } stored) return false;
        row.Paused = stored.Paused;
        row.NextTimestamp = stored.NextTimestamp;
        row.LastFiredTimestamp = stored.LastFiredTimestamp;
        row.UpdateTimestamp = stored.UpdateTimestamp;
        return true;
    }
}
