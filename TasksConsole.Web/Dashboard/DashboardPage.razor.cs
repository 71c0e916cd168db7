using System.Globalization;
using MudBlazor;
using TasksConsole.Core.Tasks;
using TasksConsole.Web.Live;

namespace TasksConsole.Web.Dashboard;

/// <summary>
/// Queue health at a glance. Live without polling: change batches ask for a refresh, which runs at most every
/// <see cref="RefreshInterval"/>; with no changes the page sends no queries at all.
/// </summary>
public sealed partial class DashboardPage(
    TaskStatistics statistics, CircuitTaskChanges changes, TimeProvider clock) : IDisposable
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(2);

    // Mid-tone colours that keep their contrast on both the light and the dark surface.
    private static readonly string[] Palette = ["#2e9d50", "#e0483e", "#d08a00"];

    private readonly CancellationTokenSource _disposed = new();
    private readonly TimeSeriesChartOptions _chartOptions = new()
    {
        ChartPalette = Palette,
        TimeLabelSpacing = TimeSpan.FromMinutes(10),
        TimeLabelFormat = "HH:mm",
        TooltipTimeLabelFormat = "HH:mm",
        YAxisRequireZeroPoint = true,
        ClampToZero = true,
        InterpolationOption = InterpolationOption.Straight,
        LineStrokeWidth = 2,
        YAxisFormat = "0",
        // Whole tasks: one-task steps, thinned out by the chart once the counts grow.
        YAxisTicks = 1,
        MaxNumYAxisTicks = 6,
    };

    private DashboardStatistics? _stats;
    private List<ChartSeries<double>> _series = [];
    private string? _error;
    private IDisposable? _subscription;
    private RefreshThrottle? _throttle;

    protected override async Task OnInitializedAsync()
    {
        _throttle = new RefreshThrottle(RefreshInterval, () => InvokeAsync(async () =>
        {
            await RefreshAsync();
            StateHasChanged();
        }), clock);
        _subscription = changes.Subscribe(_ =>
        {
            _throttle.Request();
            return Task.CompletedTask;
        });
        await RefreshAsync();
    }

    private async Task RefreshAsync()
    {
        try
        {
            var stats = await statistics.GetDashboardAsync(_disposed.Token);
            _stats = stats;
            _series = BuildSeries(stats.Throughput);
            _error = null;
        }
        catch (OperationCanceledException) when (_disposed.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            _error = $"The figures could not be loaded: {ex.Message}";
        }
    }

    private static List<ChartSeries<double>> BuildSeries(IReadOnlyList<ThroughputPoint> points)
    {
        List<(DateTime, double)> Series(Func<ThroughputPoint, int> value) =>
            points.Select(p => (p.Minute.UtcDateTime, (double)value(p))).ToList();
        return
        [
            new ChartSeries<double> { Name = "Completed", Data = Series(p => p.Completed) },
            new ChartSeries<double> { Name = "Failed", Data = Series(p => p.Failed) },
            new ChartSeries<double> { Name = "Retried", Data = Series(p => p.Retried) },
        ];
    }

    /// <summary>The chart's content in words, for screen readers and for anyone who wants the totals.</summary>
    private static string ThroughputSummary(DashboardStatistics stats)
    {
        var completed = stats.Throughput.Sum(p => p.Completed);
        var failed = stats.Throughput.Sum(p => p.Failed);
        var retried = stats.Throughput.Sum(p => p.Retried);
        var peak = stats.Throughput.Count == 0 ? 0 : stats.Throughput.Max(p => p.Completed);
        return string.Create(CultureInfo.InvariantCulture,
            $"Last hour: {completed:N0} completed (peak {peak:N0} a minute), {failed:N0} failed, {retried:N0} retried.");
    }

    private static string StatusLabel(TaskState status) => status switch
    {
        TaskState.New => "new",
        TaskState.InProgress => "in progress",
        TaskState.Complete => "complete",
        TaskState.Failed => "failed",
        TaskState.Retried => "retried",
        TaskState.Canceled => "canceled",
        _ => status.ToWire(),
    };

    public void Dispose()
    {
        _subscription?.Dispose();
        _throttle?.Dispose();
        _disposed.Cancel();
        _disposed.Dispose();
    }
}
