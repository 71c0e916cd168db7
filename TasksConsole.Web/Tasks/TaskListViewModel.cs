using TasksConsole.Core.Rql;
using TasksConsole.Core.Tasks;

namespace TasksConsole.Web.Tasks;

/// <summary>What the tasks page must do after a batch of live changes.</summary>
public readonly record struct TaskListUpdate(bool Render, bool ReloadNewest);

/// <summary>
/// The tasks page's state and logic, without rendering: the filter, the page of rows on screen over RQL, the
/// selection, the count of new tasks waiting behind the banner, and what live changes do to them.
/// </summary>
/// <remarks>
/// Rows on screen change status in place. New matching tasks reload the page softly only when the user looks at
/// the newest tasks (first page, default order); anywhere else the banner counts them, so rows never move under the
/// cursor. A batch costs at most one query, soft reloads never overlap (a batch arriving during one asks for one
/// more afterwards) and come at most once a second.
/// </remarks>
public sealed class TaskListViewModel(TaskQueries queries, TimeProvider clock)
{
    public const int MaxPageSize = 100;
    public static readonly int[] PageSizes = [20, 50, MaxPageSize];

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

    private static readonly TimeSpan SoftReloadSpacing = TimeSpan.FromSeconds(1);

    private readonly TaskListLiveMerge _merge = new(queries);
    private Dictionary<string, TaskRecord> _rowsById = new(StringComparer.Ordinal);
    private bool _softReload;
    private DateTimeOffset _lastSoftReload = DateTimeOffset.MinValue;
    private bool _reloading;
    private bool _reloadPending;

    public TaskFilter Filter { get; private set; } = TaskFilter.Empty;

    public IReadOnlyList<TaskRecord> Rows { get; private set; } = [];

    public long Total { get; private set; }

    /// <summary>A page has been loaded once: the total means something, and live changes can apply.</summary>
    public bool Loaded { get; private set; }

    /// <summary>A load the user asked for is running; soft reloads do not show it.</summary>
    public bool Loading { get; private set; }

    public string? Error { get; private set; }

    /// <summary>The page on screen, from 0.</summary>
    public int Page { get; private set; }

    public RqlSortKey Sort { get; private set; } = TaskListQuery.DefaultSort;

    public HashSet<TaskRecord> Selected { get; set; } = new(TaskRecordComparer.Instance);

    /// <summary>New tasks that match the filter but are not on screen: the banner's count.</summary>
    public int NewCount { get; private set; }

    public string RestCall => $"GET /tasks/v1/?{TaskListQuery.Build(Filter, Sort)}";

    /// <summary>The user sees the newest tasks: new ones belong on screen rather than in a banner.</summary>
    public bool WatchesNewest => Page == 0 && Sort == TaskListQuery.DefaultSort;

    /// <summary>The RQL sort for a grid column (by property name); the default order for a column without one.</summary>
    public static RqlSortKey SortFor(string? column, bool descending) =>
        column is not null && SortFields.TryGetValue(column, out var field) ? new RqlSortKey(field, descending) : TaskListQuery.DefaultSort;

    /// <summary>The grid column (by property name) sorted by an RQL field; null for a field the grid cannot sort on.</summary>
    public static string? ColumnFor(string field) =>
        SortFields.FirstOrDefault(pair => string.Equals(pair.Value, field, StringComparison.Ordinal)).Key;

    /// <summary>
    /// A new filter. Rows selected under the old one are no longer on screen (cancelling them unseen would
    /// surprise), and the banner counted tasks for the old one.
    /// </summary>
    public void SetFilter(TaskFilter filter)
    {
        Filter = filter;
        ClearSelection();
        NewCount = 0;
    }

    public void ClearSelection() => Selected = new HashSet<TaskRecord>(TaskRecordComparer.Instance);

    /// <summary>Loads one page of the filtered tasks; on failure the page is empty and <see cref="Error"/> says why.</summary>
    public async Task<(IReadOnlyList<TaskRecord> Rows, long Total)> LoadAsync(
        int page, int pageSize, RqlSortKey sort, CancellationToken cancellationToken)
    {
        var soft = _softReload;
        if (!soft) Loading = true;
        try
        {
            var query = RqlParser.Parse(TaskListQuery.Build(Filter, sort, pageSize, page * pageSize));
            var found = await queries.FindAsync(query, cancellationToken, MaxPageSize);

            Rows = found.Tasks;
            _rowsById = found.Tasks.ToDictionary(t => t.Id, StringComparer.Ordinal);
            Total = found.Total ?? 0;
            Page = page;
            Sort = sort;
            Loaded = true;
            Error = null;
            if (WatchesNewest) NewCount = 0;
            return (Rows, Total);
        }
        catch (OperationCanceledException)
        {
            // A newer load replaced this one; keep what is on screen until it lands.
            return (Rows, Total);
        }
        catch (Exception ex)
        {
            Error = $"The tasks could not be loaded: {ex.Message}";
            Rows = [];
            _rowsById.Clear();
            return ([], 0);
        }
        finally
        {
            if (!soft) Loading = false;
        }
    }

    /// <summary>Applies a batch of live changes; the result says whether to re-render and whether to reload.</summary>
    public async Task<TaskListUpdate> ApplyChangesAsync(IReadOnlyList<TaskChange> batch)
    {
        var merged = await _merge.MergeAsync(batch, _rowsById, Filter);
        if (merged.NewMatching == 0) return new TaskListUpdate(merged.RowsChanged, ReloadNewest: false);
        if (WatchesNewest) return new TaskListUpdate(merged.RowsChanged, ReloadNewest: true);
        NewCount += merged.NewMatching;
        return new TaskListUpdate(Render: true, ReloadNewest: false);
    }

    /// <summary>
    /// Reloads the newest tasks through <paramref name="reload"/> (the grid's, which calls <see cref="LoadAsync"/>)
    /// without the loading bar: never two at once, and at most one a second.
    /// </summary>
    public async Task ReloadNewestAsync(Func<Task> reload, CancellationToken closed)
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
                var wait = _lastSoftReload + SoftReloadSpacing - clock.GetUtcNow();
                if (wait > TimeSpan.Zero) await Task.Delay(wait, clock);
                // The user may have paged or sorted away meanwhile; then the rows must stay where they are.
                if (closed.IsCancellationRequested || !WatchesNewest) break;
                _lastSoftReload = clock.GetUtcNow();
                await reload();
            }
            while (_reloadPending && !closed.IsCancellationRequested);
        }
        finally
        {
            _softReload = false;
            _reloading = false;
        }
    }

    /// <summary>The banner's "Show" was pressed: the new tasks are about to be on screen.</summary>
    public void ClearNewCount() => NewCount = 0;

    /// <summary>A task on screen was canceled from this page; the feed's change for it then finds nothing to do.</summary>
    public void MarkCanceled(string taskId)
    {
        if (_rowsById.TryGetValue(taskId, out var row)) row.Status = TaskState.Canceled;
    }
}
