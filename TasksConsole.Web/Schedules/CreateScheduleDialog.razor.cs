using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Web;
using MudBlazor;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Common;
using TasksConsole.Core.Functions;
using TasksConsole.Core.Schedules;
using TasksConsole.Core.Tasks;
using TasksConsole.Web.Auth;
using TasksConsole.Web.Components.Shared;
using TasksConsole.Web.Tasks;

namespace TasksConsole.Web.Schedules;

public enum ScheduleKind
{
    Interval,
    Cron,
}

/// <summary>Field keys: the API field names the service's messages quote.</summary>
public static class ScheduleFields
{
    public const string FunctionName = "functionName";
    public const string Interval = "interval";
    public const string Cron = "cron";
    public const string TimeZone = "timeZone";
    public const string Start = "startTimestamp";
    public const string Data = "data";
    public const string Priority = "priority";
    public const string Tags = "tags";

    public static readonly string[] Timing = [Interval, Cron, TimeZone, Start];

    private static readonly string[] All = [FunctionName, Interval, Cron, TimeZone, Start, Data, Priority, Tags];

    public static string? Of(ServiceException error) =>
        error.Message.StartsWith("Each tag", StringComparison.Ordinal)
            ? Tags
            : All.FirstOrDefault(field => error.Message.Contains($"'{field}'", StringComparison.Ordinal));
}

/// <summary>
/// Creates a schedule: an interval or a cron expression (never both: only the chosen kind's fields are sent),
/// with its next firings previewed as the timing is typed. The cron expression and time zone are checked with
/// <see cref="ScheduleCalculator"/> so each error lands on its own field; the preview is the service's own.
/// </summary>
public partial class CreateScheduleDialog(ScheduleService schedules, FunctionService functions, TimeProvider clock)
{
    public const int PreviewCount = 5;

    /// <summary>Lets the preview check timing before a function is chosen; never stored.</summary>
    private const string PreviewFunctionName = "preview";

    private const string NoZoneMessage = "Not a time zone: pick one from the list (type a city, such as Amsterdam).";

    private const string FunctionMenu = "function";
    private const string ZoneMenu = "timeZone";
    private const string StartDateMenu = "startDate";
    private const string StartTimeMenu = "startTime";

    private readonly Dictionary<string, string> _fieldErrors = [];
    private readonly HashSet<string> _openMenus = [];
    private bool _escapeClosesMenu;
    private IReadOnlyList<string> _functionNames = [];
    private string? _functionName;
    private ScheduleKind _kind = ScheduleKind.Interval;
    private long? _interval = 60;
    private string? _cron;
    private string? _timeZone = TimeZoneChoices.Utc;
    private DateTime? _startDate;
    private TimeSpan? _startTime;
    private bool _paused;
    private string? _data;
    private long? _priority;
    private IReadOnlyList<string> _tags = [];
    private IReadOnlyList<DateTimeOffset> _preview = [];
    private string? _previewHint;
    private string? _error;
    private bool _saving;

    [CascadingParameter]
    private IMudDialogInstance Dialog { get; set; } = default!;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    /// <summary>Preselects the function (e.g. when opened from a function's page).</summary>
    [Parameter]
    public string? FunctionName { get; set; }

    /// <summary>The markup cannot see the constructor's parameters.</summary>
    private DateTimeOffset Now => clock.GetUtcNow();

    private bool HasTimingError => ScheduleFields.Timing.Any(_fieldErrors.ContainsKey);

    private string StartZoneId => _kind == ScheduleKind.Cron ? ScheduleText.ZoneId(_timeZone) : TimeZoneChoices.Utc;

    private TimeZoneInfo PreviewZone => _kind == ScheduleKind.Cron ? ScheduleText.Zone(_timeZone) : TimeZoneInfo.Utc;

    private string IntervalHelp => _interval is { } seconds && seconds is >= ScheduleLimits.MinIntervalSeconds and <= ScheduleLimits.MaxIntervalSeconds
        ? $"Every {TimeText.Seconds(seconds)}"
        : $"{ScheduleLimits.MinIntervalSeconds} s to ten years";

    private string FunctionHelp =>
        string.IsNullOrWhiteSpace(_functionName) || _functionNames.Contains(_functionName.Trim(), StringComparer.Ordinal)
            ? "A registered function."
            : "Not registered: its tasks will fail when due until a function of this name is registered.";

    protected override async Task OnInitializedAsync()
    {
        _functionName = FunctionName;
        try
        {
            _functionNames = (await functions.ListAsync()).Select(f => f.Name).ToList();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The list only helps typing; a name can still be entered by hand.
            _functionNames = [];
        }
        UpdatePreview();
    }

    private Task<IEnumerable<string>> SearchFunctionsAsync(string? text, CancellationToken cancellationToken) =>
        Task.FromResult(string.IsNullOrWhiteSpace(text)
            ? _functionNames
            : _functionNames.Where(name => name.Contains(text.Trim(), StringComparison.OrdinalIgnoreCase)));

    // Both lists search the text as typed (Strict): a typed value is also the field's value (CoerceValue), and a
    // search that treated "text equals value" as "show everything" would never narrow, leaving Enter to pick the
    // first entry of the whole list.
    private Task<IEnumerable<string>> SearchTimeZonesAsync(string? text, CancellationToken cancellationToken) =>
        Task.FromResult(TimeZoneChoices.Search(text));

    /// <summary>
    /// Escape closes an open drop-down first, and the dialog only when none is open. MudBlazor's own Escape handling
    /// (turned off by the page that opens the dialog) closes the dialog on key down whatever has the focus, while a
    /// drop-down closes on key up: one Escape lost the whole form. So whether a drop-down is open is read on key down,
    /// in the fields; key up on the dialog covers Escape pressed with the focus elsewhere in it (a button).
    /// </summary>
    private void MenuOpenChanged(string menu, bool open)
    {
        if (open) _openMenus.Add(menu);
        else _openMenus.Remove(menu);
    }

    private void OnFieldKeyDown(KeyboardEventArgs args)
    {
        if (args.Key != "Escape") return;
        _escapeClosesMenu = _openMenus.Count > 0;
        if (!_escapeClosesMenu) Close();
    }

    private void OnDialogKeyUp(KeyboardEventArgs args)
    {
        if (args.Key != "Escape") return;
        if (_escapeClosesMenu) _escapeClosesMenu = false;
        else if (_openMenus.Count == 0) Close();
    }

    private void Close()
    {
        if (!_saving) Dialog.Cancel();
    }

    private bool Has(string field) => _fieldErrors.ContainsKey(field);

    private string? ErrorOf(string field) => _fieldErrors.GetValueOrDefault(field);

    private void Clear(string field)
    {
        _fieldErrors.Remove(field);
        _error = null;
    }

    /// <summary>Re-checks the timing fields and recomputes the preview; runs on every change to them.</summary>
    private void UpdatePreview()
    {
        _preview = [];
        _previewHint = null;
        _error = null;
        foreach (var field in ScheduleFields.Timing) _fieldErrors.Remove(field);

        if (_kind == ScheduleKind.Cron)
        {
            if (string.IsNullOrWhiteSpace(_cron))
            {
                _previewHint = "Type a cron expression to see its next firings.";
                return;
            }
            Check(ScheduleFields.Cron, () => ScheduleCalculator.ParseCron(_cron));
            Check(ScheduleFields.TimeZone, () => ScheduleCalculator.ResolveTimeZone(_timeZone));
            // Said in the form's words: while a city is being typed the text is no zone yet, and the list has them.
            if (Has(ScheduleFields.TimeZone)) _fieldErrors[ScheduleFields.TimeZone] = NoZoneMessage;
        }
        else if (_interval is null)
        {
            _previewHint = "Give an interval to see its next firings.";
            return;
        }
        if (HasTimingError || !TryReadStart(out var start)) return;

        try
        {
            _preview = schedules.Preview(Draft(start, forPreview: true), PreviewCount);
            if (_preview.Count == 0) _previewHint = "This schedule would never fire.";
        }
        catch (ServiceException ex)
        {
            var field = VisibleField(ScheduleFields.Of(ex));
            _fieldErrors[field is not null && ScheduleFields.Timing.Contains(field) ? field : ScheduleFields.Start] = ex.Message;
        }
    }

    private void Check(string field, Action validate)
    {
        try
        {
            validate();
        }
        catch (ServiceException ex)
        {
            _fieldErrors[field] = ex.Message;
        }
    }

    /// <summary>The start typed in the schedule's zone (UTC for an interval), as an instant; null when left empty.</summary>
    private bool TryReadStart(out DateTimeOffset? start)
    {
        start = null;
        if (_startDate is not { } date) return true;
        var local = date.Date + (_startTime ?? TimeSpan.Zero);
        var zone = PreviewZone;
        if (zone.IsInvalidTime(local))
        {
            _fieldErrors[ScheduleFields.Start] = $"{local.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} does not exist in {zone.Id} (the clocks skip it).";
            return false;
        }
        start = new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), zone), TimeSpan.Zero);
        return true;
    }

    private void OnStartDateChanged(DateTime? date)
    {
        _startDate = date;
        UpdatePreview();
    }

    private void OnStartTimeChanged(TimeSpan? time)
    {
        _startTime = time;
        UpdatePreview();
    }

    private NewSchedule Draft(DateTimeOffset? start, bool forPreview)
    {
        var functionName = _functionName?.Trim() ?? "";
        return new NewSchedule(
            FunctionName: forPreview && !TaskLimits.IsValidFunctionName(functionName) ? PreviewFunctionName : functionName,
            IntervalSeconds: _kind == ScheduleKind.Interval ? _interval : null,
            Cron: _kind == ScheduleKind.Cron ? _cron : null,
            TimeZone: _kind == ScheduleKind.Cron && !string.IsNullOrWhiteSpace(_timeZone) ? _timeZone.Trim() : null,
            DataJson: forPreview || string.IsNullOrWhiteSpace(_data) ? null : _data,
            Priority: forPreview ? null : _priority,
            StartTimestamp: start,
            Tags: forPreview ? null : Tags(),
            Paused: _paused);
    }

    private List<string>? Tags() => _tags.Count == 0 ? null : [.. _tags];

    /// <summary>Checked as it is typed, with the line and column of a mistake, as in the task dialog.</summary>
    private void OnDataChanged(string? json)
    {
        _data = json;
        Clear(ScheduleFields.Data);
        if (TaskDataJson.Validate(json) is { } problem) _fieldErrors[ScheduleFields.Data] = problem;
    }

    private void OnTagsChanged(IReadOnlyList<string> tags)
    {
        _tags = tags;
        Clear(ScheduleFields.Tags);
    }

    private async Task CreateAsync()
    {
        _error = null;
        var user = (await AuthenticationState).User;
        if (!user.HasPermission(Permissions.CreateTaskSchedule))
        {
            _error = $"Creating schedules needs the {Permissions.CreateTaskSchedule} permission.";
            return;
        }
        UpdatePreview();
        if (_kind == ScheduleKind.Cron && string.IsNullOrWhiteSpace(_cron)) _fieldErrors[ScheduleFields.Cron] = "A cron expression is required.";
        if (_kind == ScheduleKind.Interval && _interval is null) _fieldErrors[ScheduleFields.Interval] = "An interval is required.";
        if (HasTimingError || !TryReadStart(out var start)) return;

        _saving = true;
        try
        {
            var schedule = await schedules.CreateAsync(Draft(start, forPreview: false), new Caller(user.GetUserId(), null));
            Dialog.Close(DialogResult.Ok(schedule.Id));
        }
        catch (ServiceException ex)
        {
            if (VisibleField(ScheduleFields.Of(ex)) is { } field) _fieldErrors[field] = ex.Message;
            else _error = ex.Message;
        }
        finally
        {
            _saving = false;
        }
    }

    /// <summary>The field to show an error at, among those the chosen kind displays; null for the dialog as a whole.</summary>
    private string? VisibleField(string? field) => (field, _kind) switch
    {
        (ScheduleFields.Interval, ScheduleKind.Cron) => ScheduleFields.Cron,
        (ScheduleFields.Cron or ScheduleFields.TimeZone, ScheduleKind.Interval) => null,
        _ => field,
    };
}
