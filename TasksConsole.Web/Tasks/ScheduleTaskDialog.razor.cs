using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Common;
using TasksConsole.Core.Data;
using TasksConsole.Core.Functions;
using TasksConsole.Core.Tasks;
using TasksConsole.Web.Auth;
using TasksConsole.Web.Components.Shared;
using TasksConsole.Core.Audit;

namespace TasksConsole.Web.Tasks;

public partial class ScheduleTaskDialog(
    TaskService tasks, IFunctionCatalog catalog, ISnackbar snackbar, BrowserTimeZone timeZone, TimeProvider clock, AuditTrail audit)
{
    [CascadingParameter] private IMudDialogInstance MudDialog { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState>? AuthenticationState { get; set; }

    /// <summary>A task to copy function, data, priority and tags from (clone); null for an empty form.</summary>
    [Parameter] public TaskRecord? Template { get; set; }

    private IReadOnlyDictionary<string, FunctionRecord> _functions = new Dictionary<string, FunctionRecord>();
    private string? _functionName;
    private string? _dataJson = "{}";
    private long? _priority;
    private bool _startNow = true;
    private DateTime? _startDate;
    private TimeSpan? _startTime;
    private IReadOnlyList<string> _tags = [];
    private TimeZoneInfo _zone = TimeZoneInfo.Utc;

    private string? _error;
    private string? _functionError;
    private string? _dataError;
    private string? _startError;
    private bool _submitting;

    /// <summary>
    /// Opens the dialog; with a <paramref name="template"/> it is pre-filled from that task (the tasks grid's and the
    /// task page's "Clone"). Returns the created task, or null when the user cancelled.
    /// </summary>
    public static async Task<TaskRecord?> ShowAsync(IDialogService dialogs, TaskRecord? template = null)
    {
        var parameters = new DialogParameters<ScheduleTaskDialog> { { d => d.Template, template } };
        var options = new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true, CloseButton = true, BackdropClick = false };
        var title = template is null ? "Schedule a task" : "Schedule a copy of a task";
        var reference = await dialogs.ShowAsync<ScheduleTaskDialog>(title, parameters, options);
        var result = await reference.Result;
        return result is { Canceled: false, Data: TaskRecord task } ? task : null;
    }

    protected override async Task OnInitializedAsync()
    {
        if (Template is { } template)
        {
            // The form starts from what a copy keeps; the start is the user's to pick again.
            var copy = NewTask.CopyOf(template);
            _functionName = copy.FunctionName;
            _dataJson = TaskDataJson.ForEditing(copy.DataJson ?? "{}");
            _priority = copy.Priority;
            _tags = [.. copy.Tags ?? []];
        }
        _zone = timeZone.Current;
        _functions = await catalog.GetAllAsync();
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender) return;
        var zone = await timeZone.GetAsync();
        if (zone != _zone)
        {
            _zone = zone;
            StateHasChanged();
        }
    }

    private FunctionRecord? SelectedFunction =>
        _functionName is { Length: > 0 } name ? _functions.GetValueOrDefault(name.Trim()) : null;

    private string? FunctionHint => SelectedFunction?.Description;

    private string? FunctionWarning => _functionName is not { Length: > 0 } name || !TaskLimits.IsValidFunctionName(name.Trim())
        ? null
        : SelectedFunction switch
        {
            null => $"No function named '{name.Trim()}' is registered. The task is accepted, but fails when it runs unless one is registered by then.",
            { Enabled: false } => $"'{name.Trim()}' is disabled. The task is accepted, but fails when it runs unless the function is enabled by then.",
            _ => null,
        };

    private string DataHint => string.Create(CultureInfo.InvariantCulture,
        $"{Encoding.UTF8.GetByteCount(_dataJson ?? "") / 1024.0:0.#} KB of {TaskLimits.MaxDataBytes / 1024} KB; empty means {{}}");

    private string PriorityHint => SelectedFunction is { } function
        ? $"Higher runs first. Empty: the function's default ({function.DefaultPriority})."
        : "Higher runs first. Empty: the function's default priority.";

    /// <summary>The markup cannot see the constructor's parameters.</summary>
    private DateTimeOffset Now => clock.GetUtcNow();

    private string StartInUtc => StartInstant() is { } start && _zone != TimeZoneInfo.Utc
        ? $" Stored as {start.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC."
        : "";

    private void OnFunctionChanged()
    {
        _functionError = null;
    }

    private void OnDataChanged(string? json)
    {
        _dataJson = json;
        _dataError = TaskDataJson.Validate(json);
    }

    /// <summary>The picked local date and time in the browser's zone, as an instant; null if incomplete.</summary>
    private DateTimeOffset? StartInstant()
    {
        if (_startDate is not { } date) return null;
        var local = DateTime.SpecifyKind(date.Date + (_startTime ?? TimeSpan.Zero), DateTimeKind.Unspecified);
        // A local time inside a DST gap does not exist; move to the first one that does.
        while (_zone.IsInvalidTime(local)) local = local.AddMinutes(30);
        return new DateTimeOffset(local, _zone.GetUtcOffset(local)).ToUniversalTime();
    }

    private bool Validate()
    {
        var name = _functionName?.Trim();
        _functionError = string.IsNullOrEmpty(name) ? "Choose a function."
            : !TaskLimits.IsValidFunctionName(name) ? $"A function name is 1 to {TaskLimits.MaxFunctionNameLength} letters, digits, '-' or '_'."
            : null;
        _dataError = TaskDataJson.Validate(_dataJson);
        _startError = !_startNow && _startDate is null ? "Pick a date, or start now." : null;
        return _functionError is null && _dataError is null && _startError is null;
    }

    private async Task SubmitAsync()
    {
        _error = null;
        if (!Validate()) return;

        // The console calls the service directly: the permission is checked here, not only by hiding the button.
        var user = AuthenticationState is null ? null : (await AuthenticationState).User;
        if (user is null || !user.HasPermission(Permissions.CreateTasks))
        {
            _error = $"Scheduling tasks needs the {Permissions.CreateTasks} permission.";
            return;
        }

        _submitting = true;
        try
        {
            var input = new NewTask(
                FunctionName: _functionName!.Trim(),
                DataJson: TaskDataJson.ToSubmit(_dataJson),
                Priority: _priority,
                StartTimestamp: _startNow ? null : StartInstant(),
                Tags: _tags);
            var task = await tasks.CreateAsync(input, new Caller(user.GetUserId(), null));
            // Tasks created over the API are not recorded: they are the service's traffic, not an operator's act.
            audit.Record(AuditActions.TaskCreate, "task", task.Id, $"Scheduled task {task.Id} ({task.FunctionName}) from the console.",
                new { clonedFrom = Template?.Id });
            snackbar.Add(ScheduledMessage(task), Severity.Success);
            MudDialog.Close(DialogResult.Ok(task));
        }
        catch (ServiceException ex)
        {
            _error = ex.Message;
        }
        catch (Exception ex) when (StoreErrors.StoreUnavailableReason(ex) is { } reason)
        {
            // A full or read-only store: say so in the dialog, which stays open with the input, instead of ending the circuit.
            _error = StoreErrors.UnavailableMessage(reason);
        }
        finally
        {
            _submitting = false;
        }
    }

    private void Cancel() => MudDialog.Cancel();
}
