namespace TasksConsole.Web.Live;

/// <summary>
/// Runs an expensive refresh at most once per interval while change batches keep asking for one, and never when
/// none do: a busy engine costs a page one query set per interval, an idle one costs nothing (no polling).
/// A request during a refresh schedules one more, so the last change is never left out.
/// </summary>
public sealed class RefreshThrottle(TimeSpan interval, Func<Task> refresh, TimeProvider clock) : IDisposable
{
    private readonly Lock _gate = new();
    private ITimer? _timer;
    private bool _scheduled;
    private bool _disposed;
    private DateTimeOffset _lastRun = DateTimeOffset.MinValue;

    /// <summary>Asks for a refresh; safe from any thread.</summary>
    public void Request()
    {
        lock (_gate)
        {
            if (_scheduled || _disposed) return;
            _scheduled = true;
            var wait = _lastRun == DateTimeOffset.MinValue ? TimeSpan.Zero : _lastRun + interval - clock.GetUtcNow();
            _timer?.Dispose();
            _timer = clock.CreateTimer(_ => _ = RunAsync(), null, wait > TimeSpan.Zero ? wait : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }
    }

    private async Task RunAsync()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _scheduled = false;
            _lastRun = clock.GetUtcNow();
        }
        try
        {
            await refresh();
        }
        catch (ObjectDisposedException)
        {
            // The page went away while its refresh was due.
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _timer?.Dispose();
        }
    }
}
