using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Routing;
using Microsoft.AspNetCore.WebUtilities;
using MudBlazor;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Common;
using TasksConsole.Core.Tasks;
using TasksConsole.Core.Tasks.Search;
using TasksConsole.Web.Auth;
using TasksConsole.Web.Components.Shared;
using TasksConsole.Web.Live;
using TasksConsole.Web.Tasks.Reruns;

namespace TasksConsole.Web.Tasks;

/// <summary>
/// The task list: server-side paging and sorting over RQL, filters kept in the URL, live status, bulk cancel,
/// export and scheduling. The page wires the grid, the URL and the live feed to <see cref="TaskListViewModel"/>
/// (the list's state and logic) and <see cref="TaskCancelActions"/> (the cancel flows).
/// </summary>
public partial class TasksPage(
    TaskQueries queries, TaskService tasks, CircuitTaskChanges changes, NavigationManager navigation,
    IDialogService dialogs, ISnackbar snackbar, BrowserTimeZone timeZone, TimeProvider clock) : IDisposable
{
    [CascadingParameter] private Task<AuthenticationState>? AuthenticationState { get; set; }

    private readonly TaskListViewModel _list = new(queries, clock);
    private readonly TaskCancelActions _cancel = new(tasks, dialogs, snackbar);

    private MudDataGrid<TaskRecord>? _grid;
    private int _pageSize = TaskListViewModel.PageSizes[0];
    private int _page;
    private TaskListView _view = TaskListView.Default;
    private TimeZoneInfo _zone = TimeZoneInfo.Utc;
    private ClaimsPrincipal _user = new();
    private bool _canCancel;
    private bool _canCreate;
    private bool _searchWindowApplied;
    private bool _rowDialogOpen;

    private IDisposable? _subscription;
    private Timer? _clockTick;
    private readonly CancellationTokenSource _closed = new();

    protected override async Task OnInitializedAsync()
    {
        _list.SetFilter(await WithSearchWindowAsync(FilterFromUri(navigation.Uri)));
        // The sort, page and page size of a reloaded or shared URL; the grid starts from them.
        _view = TaskListView.FromQueryString(new Uri(navigation.Uri).Query);
        _pageSize = _view.PageSize;
        _page = _view.Page;
        navigation.LocationChanged += OnLocationChanged;
        _subscription = changes.Subscribe(OnChangesAsync);
        _zone = timeZone.Current;

        if (AuthenticationState is not null) _user = (await AuthenticationState).User;
        _canCancel = _user.HasPermission(Permissions.CancelTasks);
        _canCreate = _user.HasPermission(Permissions.CreateTasks);
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender) return;
        // Relative times ("3 min ago") drift; a re-render twice a minute keeps them honest without a timer per cell.
        _clockTick = new Timer(_ => _ = InvokeAsync(StateHasChanged), null, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30));
        var zone = await timeZone.GetAsync();
        if (zone != _zone && !_closed.IsCancellationRequested)
        {
            _zone = zone;
            StateHasChanged();
        }
        KeepFilterInUrl();
        await CloneFromUriAsync();
    }

    /// <summary>
    /// A search inside tasks (data, error text) on a store too large to search whole gets a creation window of
    /// <see cref="TaskSearchWindow.DefaultWindow"/> back, and the page says so (<see cref="_searchWindowApplied"/>):
    /// the store would refuse it otherwise. A window the user chose is kept as it is.
    /// </summary>
    private async Task<TaskFilter> WithSearchWindowAsync(TaskFilter filter)
    {
        _searchWindowApplied = false;
        if (!filter.SearchesInside || filter.CreatedFrom is not null) return filter;
        try
        {
            if (!await queries.NeedsNarrowerWindowAsync(filter.ToRqlNode(), _closed.Token)) return filter;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The list's own load reports what is wrong with the store.
            return filter;
        }
        _searchWindowApplied = true;
        var now = clock.GetUtcNow();
        var minute = new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerMinute, TimeSpan.Zero);
        return filter with { CreatedFrom = minute - TaskSearchWindow.DefaultWindow };
    }

    /// <summary>A filter the page changed on its own (a search window) replaces the URL's, so that a reload or a shared link shows the same.</summary>
    private void KeepFilterInUrl()
    {
        if (!FilterFromUri(navigation.Uri).Equals(_list.Filter))
        {
            navigation.NavigateTo(_view.UrlFor(_list.Filter), new NavigationOptions { ReplaceHistoryEntry = true });
        }
    }

    /// <summary>
    /// <c>/tasks?clone={id}</c> (a bookmark, or a link from elsewhere) opens the schedule dialog pre-filled from that
    /// task. The parameter then leaves the URL, so that a reload or Back does not open the dialog again.
    /// </summary>
    private async Task CloneFromUriAsync()
    {
        var uri = new Uri(navigation.Uri);
        var query = QueryHelpers.ParseQuery(uri.Query);
        if (!query.TryGetValue("clone", out var values)) return;
        navigation.NavigateTo(_view.UrlFor(_list.Filter), new NavigationOptions { ReplaceHistoryEntry = true });
        if (!_canCreate) return;

        var id = values.ToString().Trim().ToLowerInvariant();
        var task = ObjectId.IsValid(id) ? await tasks.FindByIdAsync(id, _closed.Token) : null;
        if (task is null)
        {
            snackbar.Add($"There is no task {values} to clone.", Severity.Warning);
            return;
        }
        await ScheduleTaskDialog.ShowAsync(dialogs, task);
    }

    private static TaskFilter FilterFromUri(string uri) => TaskFilter.FromQueryString(new Uri(uri).Query);

    private async Task<GridData<TaskRecord>> LoadAsync(GridState<TaskRecord> state, CancellationToken cancellationToken)
    {
        try
        {
            var sort = state.SortDefinitions.FirstOrDefault();
            var (rows, total) = await _list.LoadAsync(
                state.Page, state.PageSize, TaskListViewModel.SortFor(sort?.SortBy, sort?.Descending == true), cancellationToken);
            KeepViewInUrl(new TaskListView(_list.Sort, _list.Page, state.PageSize));
            return new GridData<TaskRecord> { Items = rows, TotalItems = (int)Math.Min(total, int.MaxValue) };
        }
        finally
        {
            // The grid re-renders itself; the count, the banner and the error above it are the page's to refresh.
            StateHasChanged();
        }
    }

    /// <summary>
    /// A new filter from the filter bar or a link: into the URL as a new history entry (so it can be shared, and Back
    /// undoes it), then page 1.
    /// </summary>
    private async Task ApplyFilterAsync(TaskFilter filter)
    {
        filter = await WithSearchWindowAsync(filter);
        if (filter.Equals(_list.Filter)) return;
        _list.SetFilter(filter);
        _view = _view with { Page = 0 };
        navigation.NavigateTo(_view.UrlFor(filter));
        await ReloadFromFirstPageAsync();
    }

    /// <summary>
    /// Sort, page and page size follow the grid into the URL, replacing the entry: paging is not a step Back should
    /// undo one page at a time, but a reload should come back to it.
    /// </summary>
    private void KeepViewInUrl(TaskListView view)
    {
        if (view == _view && navigation.Uri.EndsWith(view.UrlFor(_list.Filter), StringComparison.Ordinal)) return;
        _view = view;
        navigation.NavigateTo(view.UrlFor(_list.Filter), new NavigationOptions { ReplaceHistoryEntry = true });
    }

    /// <summary>The direction a column starts sorted in: the URL's sort, or newest first.</summary>
    private SortDirection InitialDirection(string column) =>
        TaskListViewModel.ColumnFor(_view.Sort.Field) == column
            ? _view.Sort.Descending ? SortDirection.Descending : SortDirection.Ascending
            : SortDirection.None;

    /// <summary>The direction a column is sorted in now, for its header's arrow; before the grid exists, the URL's.</summary>
    private SortDirection SortOf(string column) =>
        _grid is null ? InitialDirection(column)
        : _grid.SortDefinitions.TryGetValue(column, out var sort) ? sort.Descending ? SortDirection.Descending : SortDirection.Ascending
        : SortDirection.None;

    private void OnLocationChanged(object? sender, LocationChangedEventArgs args)
    {
        // Back/forward, or a link to /tasks?… while the page is open. Our own NavigateTo lands here too and is a no-op.
        if (!navigation.ToBaseRelativePath(args.Location).Split('?', '#')[0].Equals("tasks", StringComparison.Ordinal)) return;
        var filter = FilterFromUri(args.Location);
        if (filter.Equals(_list.Filter)) return;
        _ = InvokeAsync(async () =>
        {
            _list.SetFilter(await WithSearchWindowAsync(filter));
            KeepFilterInUrl();
            await ReloadFromFirstPageAsync();
            StateHasChanged();
        });
    }

    private async Task ReloadFromFirstPageAsync()
    {
        if (_grid is null) return;
        if (_grid.CurrentPage != 0) _grid.NavigateTo(Page.First);
        else await _grid.ReloadServerData();
    }

    private Task OnChangesAsync(IReadOnlyList<TaskChange> batch) => InvokeAsync(async () =>
    {
        if (_closed.IsCancellationRequested || _grid is null || !_list.Loaded) return;
        try
        {
            var update = await _list.ApplyChangesAsync(batch);
            if (update.ReloadNewest) await _list.ReloadNewestAsync(_grid.ReloadServerData, _closed.Token);
            if (update.Render) StateHasChanged();
        }
        catch (Exception ex) when (ex is not ObjectDisposedException)
        {
            // Live updates are a convenience: the rows on screen stay as they were, and the next batch tries again.
        }
    });

    /// <summary>The banner's "Show": the first page again, reloaded, in the order the user chose.</summary>
    private async Task ShowNewAsync()
    {
        _list.ClearNewCount();
        await ReloadFromFirstPageAsync();
    }

    private void OnSelectionChanged(HashSet<TaskRecord> selected) => _list.Selected = selected;

    private Task AddTagFilterAsync(string tag) =>
        _list.Filter.AllTags.Contains(tag) ? Task.CompletedTask : ApplyFilterAsync(_list.Filter with { AllTags = [.. _list.Filter.AllTags, tag] });

    private async Task ScheduleAsync() => await ScheduleTaskDialog.ShowAsync(dialogs);

    private Task CloneAsync(TaskRecord task) => OneRowDialogAsync(() => ScheduleTaskDialog.ShowAsync(dialogs, task));

    private Task CancelOneAsync(TaskRecord task) => OneRowDialogAsync(() => _cancel.CancelOneAsync(_user, task));

    /// <summary>
    /// Opens a row action's dialog unless one is open already. Enter on a row menu's item, after the arrow keys moved
    /// to it, reaches the item twice (MudBlazor's key handling and the browser's own click), and opened two
    /// confirmations one above the other.
    /// </summary>
    private async Task OneRowDialogAsync(Func<Task> open)
    {
        if (_rowDialogOpen) return;
        _rowDialogOpen = true;
        try
        {
            await open();
        }
        finally
        {
            _rowDialogOpen = false;
        }
    }

    private async Task CancelSelectedAsync()
    {
        if (await _cancel.CancelSelectedAsync(_user, _list.Selected, _list.MarkCanceled)) _list.ClearSelection();
    }

    private Task CancelAllMatchingAsync() => _cancel.CancelAllMatchingAsync(_user, _list.Filter);

    private Task RerunAllMatchingAsync() => RerunMatchingDialog.ShowAsync(dialogs, _list.Filter);

    public void Dispose()
    {
        _closed.Cancel();
        _closed.Dispose();
        navigation.LocationChanged -= OnLocationChanged;
        _subscription?.Dispose();
        _clockTick?.Dispose();
        GC.SuppressFinalize(this);
    }
}
