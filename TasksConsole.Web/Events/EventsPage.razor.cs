using System.Collections.Concurrent;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using TasksConsole.Core.Events;
using TasksConsole.Core.Tasks;
using TasksConsole.Web.Live;

namespace TasksConsole.Web.Events;

/// <summary>
/// The task_failed feed, paged on the server. Events arriving live reload the first page (at most once a second,
/// however fast failures come) and are highlighted there; on a later page they are counted instead, so the rows
/// a reader is looking at do not shift under them.
/// </summary>
public sealed partial class EventsPage(
    TaskEventQueries events, CircuitTaskChanges changes, TimeProvider clock) : IDisposable
{
    public static readonly TimeSpan LiveRefreshInterval = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _disposed = new();
    private readonly ConcurrentQueue<string> _arrived = new();
    private MudDataGrid<TaskFailedEventRecord>? _grid;
    private IReadOnlySet<string> _highlighted = new HashSet<string>();
    private string? _filter;
    private bool _loading;
    private string? _error;
    private int _unseen;
    private string _announcement = "";
    private int _currentPage;
    private IDisposable? _subscription;
    private RefreshThrottle? _throttle;

    /// <summary>Pre-fills the function filter, so other pages can link to one function's failures.</summary>
    [SupplyParameterFromQuery(Name = "fn")]
    public string? FunctionFilter { get; set; }

    protected override void OnInitialized()
    {
        _filter = FunctionFilter;
        _throttle = new RefreshThrottle(LiveRefreshInterval, () => InvokeAsync(ShowArrivalsAsync), clock);
        _subscription = changes.Subscribe(OnChangesAsync);
    }

    private async Task<GridData<TaskFailedEventRecord>> LoadAsync(GridState<TaskFailedEventRecord> state, CancellationToken cancellationToken)
    {
        _loading = true;
        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposed.Token);
            var page = await events.FindFailedAsync(_filter, state.Page * state.PageSize, state.PageSize, linked.Token);
            _currentPage = state.Page;
            if (state.Page == 0) _unseen = 0;
            _error = null;
            return new GridData<TaskFailedEventRecord>
            {
                Items = page.Events,
                TotalItems = (int)Math.Min(page.Total, int.MaxValue),
            };
        }
        catch (OperationCanceledException)
        {
            return new GridData<TaskFailedEventRecord>();
        }
        catch (Exception ex)
        {
            _error = $"The events could not be loaded: {ex.Message}";
            return new GridData<TaskFailedEventRecord>();
        }
        finally
        {
            _loading = false;
        }
    }

    private Task OnChangesAsync(IReadOnlyList<TaskChange> changes)
    {
        var filter = _filter;
        var any = false;
        foreach (var change in changes)
        {
            if (change.Failure is { } failure && TaskEventQueries.Matches(failure.FunctionName, filter))
            {
                _arrived.Enqueue(failure.Id);
                any = true;
            }
        }
        if (any) _throttle?.Request();
        return Task.CompletedTask;
    }

    private async Task ShowArrivalsAsync()
    {
        var arrived = new HashSet<string>(StringComparer.Ordinal);
        while (_arrived.TryDequeue(out var id)) arrived.Add(id);
        if (arrived.Count == 0 || _grid is null) return;

        _announcement = $"{arrived.Count} new failure event{(arrived.Count == 1 ? "" : "s")}.";
        if (_currentPage == 0)
        {
            // Only this batch is highlighted: rows that were new last time have had their moment.
            _highlighted = arrived;
            await _grid.ReloadServerData();
        }
        else
        {
            _unseen += arrived.Count;
        }
        StateHasChanged();
    }

    private async Task ShowNewestAsync()
    {
        _unseen = 0;
        _highlighted = new HashSet<string>();
        if (_grid is null) return;
        if (_currentPage == 0)
        {
            await _grid.ReloadServerData();
        }
        else
        {
            _grid.NavigateTo(Page.First);
        }
    }

    private async Task OnFilterChanged(string? value)
    {
        _filter = value;
        _unseen = 0;
        _highlighted = new HashSet<string>();
        _arrived.Clear();
        if (_grid is null) return;
        if (_currentPage == 0)
        {
            await _grid.ReloadServerData();
        }
        else
        {
            _grid.NavigateTo(Page.First);
        }
    }

    private string RowClass(TaskFailedEventRecord item, int index) => _highlighted.Contains(item.Id) ? "event-row--new" : "";

    public void Dispose()
    {
        _subscription?.Dispose();
        _throttle?.Dispose();
        _disposed.Cancel();
        _disposed.Dispose();
    }
}
