using Microsoft.AspNetCore.Components;
using MudBlazor;
using TasksConsole.Core.ApiFunctions;
using TasksConsole.Core.Rql;
using TasksConsole.Web.Live;

namespace TasksConsole.Web.ApiFunctions;

/// <summary>
/// API requests, paged on the server, filtered by function, method and outcome (all in the URL). Requests recorded
/// while the page is open reload the first page (at most once a second); on a later page they are counted instead,
/// so the rows a reader is looking at do not shift under them.
/// </summary>
public sealed partial class ApiRequestsPage(
    ApiRequestService requests, ApiRequestFeed feed, NavigationManager navigation, TimeProvider clock) : IDisposable
{
    public static readonly TimeSpan LiveRefreshInterval = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _disposed = new();
    private MudDataGrid<ApiRequestRecord>? _grid;
    private ApiRequestFilter _filter = new();
    private bool _loading;
    private string? _error;
    private int _unseen;
    private int _arrived;
    private string _announcement = "";
    private int _currentPage;
    private RefreshThrottle? _throttle;

    [SupplyParameterFromQuery(Name = "fn")]
    public string? FunctionQuery { get; set; }

    [SupplyParameterFromQuery(Name = "method")]
    public string? MethodQuery { get; set; }

    [SupplyParameterFromQuery(Name = "outcome")]
    public string? OutcomeQuery { get; set; }

    protected override void OnInitialized()
    {
        _throttle = new RefreshThrottle(LiveRefreshInterval, () => InvokeAsync(ShowArrivalsAsync), clock);
        feed.Recorded += OnRecorded;
    }

    protected override async Task OnParametersSetAsync()
    {
        // Back/forward or a link to /api-requests?… while the page is open: the URL is the filter.
        var fromUrl = ApiRequestFilter.FromQuery(FunctionQuery, MethodQuery, OutcomeQuery);
        if (fromUrl == _filter) return;
        _filter = fromUrl;
        await ShowFirstPageAsync();
    }

    private async Task<GridData<ApiRequestRecord>> LoadAsync(GridState<ApiRequestRecord> state, CancellationToken cancellationToken)
    {
        _loading = true;
        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposed.Token);
            var page = await requests.FindAsync(RqlParser.Parse(_filter.ToRql(state.Page * state.PageSize, state.PageSize)), linked.Token);
            _currentPage = state.Page;
            if (state.Page == 0) _unseen = 0;
            _error = null;
            return new GridData<ApiRequestRecord> { Items = page.Requests, TotalItems = (int)Math.Min(page.Total ?? 0, int.MaxValue) };
        }
        catch (OperationCanceledException)
        {
            return new GridData<ApiRequestRecord>();
        }
        catch (Exception ex)
        {
            _error = $"The API requests could not be loaded: {ex.Message}";
            return new GridData<ApiRequestRecord>();
        }
        finally
        {
            _loading = false;
        }
    }

    /// <summary>Called on the recording request's thread: only counts, the circuit does the rest.</summary>
    private void OnRecorded(ApiRequestRecord request)
    {
        if (!_filter.Matches(request)) return;
        Interlocked.Increment(ref _arrived);
        _throttle?.Request();
    }

    private async Task ShowArrivalsAsync()
    {
        var arrived = Interlocked.Exchange(ref _arrived, 0);
        if (arrived == 0 || _grid is null) return;
        _announcement = $"{arrived} new API request{(arrived == 1 ? "" : "s")}.";
        if (_currentPage == 0) await _grid.ReloadServerData();
        else _unseen += arrived;
        StateHasChanged();
    }

    private Task ShowNewestAsync()
    {
        _unseen = 0;
        return ShowFirstPageAsync();
    }

    private async Task ShowFirstPageAsync()
    {
        _unseen = 0;
        Interlocked.Exchange(ref _arrived, 0);
        if (_grid is null) return;
        if (_currentPage == 0) await _grid.ReloadServerData();
        else _grid.NavigateTo(Page.First);
    }

    private Task OnFunctionChanged(string? value) => ApplyAsync(_filter with { FunctionName = string.IsNullOrWhiteSpace(value) ? null : value.Trim() });

    private Task OnMethodChanged(string? value) => ApplyAsync(_filter with { Method = value });

    private Task OnOutcomeChanged(string? value) => ApplyAsync(_filter with { Outcome = value });

    private async Task ApplyAsync(ApiRequestFilter filter)
    {
        _filter = ApiRequestFilter.FromQuery(filter.FunctionName, filter.Method, filter.Outcome);
        navigation.NavigateTo(_filter.ToUrl(), new NavigationOptions { ReplaceHistoryEntry = true });
        await ShowFirstPageAsync();
    }

    public void Dispose()
    {
        feed.Recorded -= OnRecorded;
        _throttle?.Dispose();
        _disposed.Cancel();
        _disposed.Dispose();
    }
}
