using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Routing;
using MudBlazor;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Common;
using TasksConsole.Core.Rql;
using TasksConsole.Core.Tasks;
using TasksConsole.Web.Auth;
using TasksConsole.Web.Components.Shared;
using TasksConsole.Web.Live;

namespace TasksConsole.Web.Tasks;

/// <summary>
/// The task list: server-side paging and sorting over RQL, filters kept in the URL, live status, bulk cancel,
/// export and scheduling.
/// </summary>
/// <remarks>
/// Live changes arrive in batches (<see cref="CircuitTaskChanges"/>). Rows on screen change status in place. New
/// matching tasks reload the page softly only when the user looks at the newest tasks (first page, default
/// order); anywhere else a banner counts them, so rows never move under the cursor. A batch costs at most one
/// query, reloads never overlap (a batch arriving during one asks for one more afterwards) and come at most once
/// a second.
/// </remarks>
public partial class TasksPage : IDisposable
{
    public const int MaxPageSize = 100;
    private static readonly int[] PageSizes = [20, 50, MaxPageSize];

    /// <summary>Grid columns (by property) to RQL fields; the others cannot be sorted on.</summary>
    private static readonly Dictionary<string, string> SortFields = new(StringComparer.Ordinal)
    {
        [nameof(TaskRecord.Id)] = "id",
        [nameof(TaskRecord.FunctionName)] = "functionName",
        [nameof(TaskRecord.Status)] = "status",
        [nameof(TaskRecord.Priority)] = "priority",
        [nameof(TaskRecord.StartTimestamp)] = "startTimestamp",
        [nameof(TaskRecord.CreationTimestamp)] = "creationTimestamp",
    };

    [Inject] private TaskQueries Queries { get; set; } = default!;
    [Inject] private TaskService Tasks { get; set; } = default!;
    [Inject] private CircuitTaskChanges Changes { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private BrowserTimeZone TimeZone { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;

    [CascadingParameter] private Task<AuthenticationState>? AuthenticationState { get; set; }

    private MudDataGrid<TaskRecord>? _grid;
    private TaskFilter _filter = TaskFilter.Empty;
    private TimeZoneInfo _zone = TimeZoneInfo.Utc;
    private ClaimsPrincipal _user = new();
    private bool _canCancel;
    private bool _canCreate;

    private IReadOnlyList<TaskRecord> _rows = [];
    private Dictionary<string, TaskRecord> _rowsById = new(StringComparer.Ordinal);
    private long _total;
    private bool _loaded;
    private bool _loading;
    private string? _error;
    private int _page;
    private int _pageSize = PageSizes[0];
    private RqlSortKey _sort = TaskListQuery.DefaultSort;

    private HashSet<TaskRecord> _selected = new(TaskRecordComparer.Instance);
    private bool _cancelling;
    private int _newCount;

    private static readonly TimeSpan SoftReloadSpacing = TimeSpan.FromSeconds(1);
    private bool _softReload;
    private DateTimeOffset _lastSoftReload = DateTimeOffset.MinValue;
    private bool _reloading;
    private bool _reloadPending;

    private IDisposable? _subscription;
    private Timer? _clockTick;
    private bool _disposed;

    private string RestCall => $"GET /tasks/v1/?{TaskListQuery.Build(_filter, _sort)}";

    /// <summary>The user sees the newest tasks: new ones belong on screen rather than in a banner.</summary>
    private bool WatchesNewest => _page == 0 && _sort == TaskListQuery.DefaultSort;

    protected override async Task OnInitializedAsync()
    {
        _filter = FilterFromUri(Navigation.Uri);
        Navigation.LocationChanged += OnLocationChanged;
        _subscription = Changes.Subscribe(OnChangesAsync);
        _zone = TimeZone.Current;

        if (AuthenticationState is not null) _user = (await AuthenticationState).User;
        _canCancel = _user.HasPermission(Permissions.CancelTasks);
        _canCreate = _user.HasPermission(Permissions.CreateTasks);
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender) return;
        // Relative times ("3 min ago") drift; a re-render twice a minute keeps them honest without a timer per cell.
        _clockTick = new Timer(_ => _ = InvokeAsync(StateHasChanged), null, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30));
        var zone = await TimeZone.GetAsync();
        if (zone != _zone && !_disposed)
        {
            _zone = zone;
            StateHasChanged();
        }
    }

    private static TaskFilter FilterFromUri(string uri) => TaskFilter.FromQueryString(new Uri(uri).Query);

    private async Task<GridData<TaskRecord>> LoadAsync(GridState<TaskRecord> state, CancellationToken cancellationToken)
    {
        var soft = _softReload;
        if (!soft) _loading = true;
        try
        {
            var sort = SortOf(state);
            var query = RqlParser.Parse(TaskListQuery.Build(_filter, sort, state.PageSize, state.Page * state.PageSize));
            var page = await Queries.FindAsync(query, cancellationToken, MaxPageSize);

            _rows = page.Tasks;
            _rowsById = page.Tasks.ToDictionary(t => t.Id, StringComparer.Ordinal);
            _total = page.Total ?? 0;
            _page = state.Page;
            _sort = sort;
            _loaded = true;
            _error = null;
            if (WatchesNewest) _newCount = 0;
            return new GridData<TaskRecord> { Items = page.Tasks, TotalItems = (int)Math.Min(_total, int.MaxValue) };
        }
        catch (OperationCanceledException)
        {
            // A newer load replaced this one; keep what is on screen until it lands.
            return new GridData<TaskRecord> { Items = _rows, TotalItems = (int)Math.Min(_total, int.MaxValue) };
        }
        catch (Exception ex)
        {
            _error = $"The tasks could not be loaded: {ex.Message}";
            _rows = [];
            _rowsById.Clear();
            return new GridData<TaskRecord> { Items = [], TotalItems = 0 };
        }
        finally
        {
            if (!soft) _loading = false;
            // The grid re-renders itself; the count, the banner and the error above it are the page's to refresh.
            StateHasChanged();
        }
    }

    private static RqlSortKey SortOf(GridState<TaskRecord> state) =>
        state.SortDefinitions.FirstOrDefault() is { } sort && SortFields.TryGetValue(sort.SortBy, out var field)
            ? new RqlSortKey(field, sort.Descending)
            : TaskListQuery.DefaultSort;

    /// <summary>A new filter from the filter bar or a link: into the URL (so it can be shared), then page 1.</summary>
    private async Task ApplyFilterAsync(TaskFilter filter)
    {
        if (filter.Equals(_filter)) return;
        _filter = filter;
        var query = filter.ToQueryString();
        Navigation.NavigateTo(query.Length > 0 ? $"/tasks?{query}" : "/tasks", new NavigationOptions { ReplaceHistoryEntry = true });
        await ReloadFromFirstPageAsync();
    }

    private void OnLocationChanged(object? sender, LocationChangedEventArgs args)
    {
        // Back/forward, or a link to /tasks?… while the page is open. Our own NavigateTo lands here too and is a no-op.
        if (!Navigation.ToBaseRelativePath(args.Location).Split('?', '#')[0].Equals("tasks", StringComparison.Ordinal)) return;
        var filter = FilterFromUri(args.Location);
        if (filter.Equals(_filter)) return;
        _ = InvokeAsync(async () =>
        {
            _filter = filter;
            await ReloadFromFirstPageAsync();
            StateHasChanged();
        });
    }

    private async Task ReloadFromFirstPageAsync()
    {
        // Rows selected under the old filter are no longer on screen: cancelling them unseen would surprise.
        _selected = new HashSet<TaskRecord>(TaskRecordComparer.Instance);
        _newCount = 0;
        if (_grid is null) return;
        if (_grid.CurrentPage != 0) _grid.NavigateTo(Page.First);
        else await _grid.ReloadServerData();
    }

    private Task OnChangesAsync(IReadOnlyList<TaskChange> batch) => InvokeAsync(async () =>
    {
        if (_disposed || _grid is null || !_loaded) return;
        try
        {
            await ApplyChangesAsync(batch);
        }
        catch (Exception ex) when (ex is not ObjectDisposedException)
        {
            // Live updates are a convenience: the rows on screen stay as they were, and the next batch tries again.
        }
    });

    private async Task ApplyChangesAsync(IReadOnlyList<TaskChange> batch)
    {

        var render = false;
        List<TaskChange>? created = null;
        foreach (var change in batch)
        {
            if (_rowsById.TryGetValue(change.TaskId, out var row))
            {
                if (change.Kind != TaskChangeKind.StatusChanged || row.Status == change.Status) continue;
                row.Status = change.Status;
                row.StatusChangedTimestamp = change.Timestamp;
                if (change.Failure is { } failure) row.SetError(failure.ErrorType, failure.ErrorName, failure.ErrorMessage);
                render = true;
            }
            else if (change.Kind == TaskChangeKind.Created && _filter.CouldMatch(change))
            {
                (created ??= []).Add(change);
            }
        }

        var matching = created?.Count ?? 0;
        if (matching > 0 && _filter.HasStartRange)
        {
            // Only the store knows start times: one count query for the whole batch.
            var ids = new RqlCondition(RqlOperator.In, "id", created!.Select(c => RqlValue.String(c.TaskId)).ToList(), []);
            var filter = _filter.ToRqlNode();
            matching = (int)await Queries.CountAsync(filter is null ? ids : new RqlLogical(RqlOperator.And, [filter, ids]));
        }
        if (matching > 0)
        {
            if (WatchesNewest)
            {
                await SoftReloadAsync();
            }
            else
            {
                _newCount += matching;
                render = true;
            }
        }
        if (render) StateHasChanged();
    }

    private async Task SoftReloadAsync()
    {
        if (_reloading)
        {
            _reloadPending = true;
            return;
        }
        _reloading = true;
        _softReload = true;
        try
        {
            do
            {
                _reloadPending = false;
                // A busy queue would otherwise cost a page query and a count per batch, per open console.
                var wait = _lastSoftReload + SoftReloadSpacing - Clock.GetUtcNow();
                if (wait > TimeSpan.Zero) await Task.Delay(wait);
                // The user may have paged or sorted away meanwhile; then the rows must stay where they are.
                if (_disposed || !WatchesNewest) break;
                _lastSoftReload = Clock.GetUtcNow();
                await _grid!.ReloadServerData();
            }
            while (_reloadPending && !_disposed);
        }
        finally
        {
            _softReload = false;
            _reloading = false;
        }
    }

    /// <summary>The banner's "Show": back to the newest tasks, where the new ones are.</summary>
    private async Task ShowNewAsync()
    {
        _newCount = 0;
        if (_grid is null) return;
        var sorted = _sort != TaskListQuery.DefaultSort;
        if (sorted) await _grid.SetSortAsync(nameof(TaskRecord.CreationTimestamp), SortDirection.Descending, t => t.CreationTimestamp, null);
        if (_grid.CurrentPage != 0) _grid.NavigateTo(Page.First);
        else if (!sorted) await _grid.ReloadServerData();
    }

    private void OnSelectionChanged(HashSet<TaskRecord> selected) => _selected = selected;

    private Task AddTagFilterAsync(string tag) =>
        _filter.AllTags.Contains(tag) ? Task.CompletedTask : ApplyFilterAsync(_filter with { AllTags = [.. _filter.AllTags, tag] });

    private async Task ScheduleAsync() => await ScheduleTaskDialog.ShowAsync(Dialogs);

    private async Task CloneAsync(TaskRecord task) => await ScheduleTaskDialog.ShowAsync(Dialogs, task);

    private bool EnsureCanCancel()
    {
        // The page calls the service directly, so hiding the buttons is not enough.
        if (_user.HasPermission(Permissions.CancelTasks)) return true;
        Snackbar.Add($"Cancelling tasks needs the {Permissions.CancelTasks} permission.", Severity.Error);
        return false;
    }

    private async Task CancelOneAsync(TaskRecord task)
    {
        if (!EnsureCanCancel()) return;
        try
        {
            if (await Tasks.TryCancelAsync(task.Id))
            {
                task.Status = TaskState.Canceled;
                Snackbar.Add($"Task {task.Id} canceled.", Severity.Success);
            }
            else
            {
                Snackbar.Add($"Task {task.Id} had already started; it was not canceled.", Severity.Warning);
            }
        }
        catch (ServiceException ex)
        {
            Snackbar.Add(ex.Message, Severity.Error);
        }
    }

    private async Task CancelSelectedAsync()
    {
        if (!EnsureCanCancel() || _selected.Count == 0) return;
        _cancelling = true;
        var canceled = 0;
        var notNew = 0;
        try
        {
            foreach (var task in _selected.ToList())
            {
                if (await Tasks.TryCancelAsync(task.Id))
                {
                    canceled++;
                    if (_rowsById.TryGetValue(task.Id, out var row)) row.Status = TaskState.Canceled;
                }
                else
                {
                    notNew++;
                }
            }
        }
        catch (ServiceException ex)
        {
            Snackbar.Add(ex.Message, Severity.Error);
        }
        finally
        {
            _cancelling = false;
            _selected = new HashSet<TaskRecord>(TaskRecordComparer.Instance);
        }
        Snackbar.Add(CancelSummary(canceled, notNew), notNew == 0 ? Severity.Success : Severity.Warning);
    }

    public static string CancelSummary(int canceled, int notNew) => notNew == 0
        ? $"{canceled} canceled."
        : $"{canceled} canceled, {notNew} had already started.";

    private async Task CancelAllMatchingAsync()
    {
        if (!EnsureCanCancel()) return;
        await CancelMatchingDialog.ShowAsync(Dialogs, _filter);
    }

    public void Dispose()
    {
        _disposed = true;
        Navigation.LocationChanged -= OnLocationChanged;
        _subscription?.Dispose();
        _clockTick?.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>Rows are the same task when their ids are: selection survives reloads, which bring new objects.</summary>
public sealed class TaskRecordComparer : IEqualityComparer<TaskRecord>
{
    public static readonly TaskRecordComparer Instance = new();

    public bool Equals(TaskRecord? x, TaskRecord? y) => string.Equals(x?.Id, y?.Id, StringComparison.Ordinal);

    public int GetHashCode(TaskRecord obj) => obj.Id.GetHashCode(StringComparison.Ordinal);
}
