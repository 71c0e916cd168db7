namespace TasksConsole.Web.Components.Shared;

/// <summary>
/// Re-reads what a page shows every so often, for figures that no change feed announces (pauses, why a task waits,
/// what is stuck): the page passes its reload, run on its own dispatcher, and stops it by cancelling.
/// </summary>
public static class PeriodicRefresh
{
    public static async Task RunAsync(TimeSpan interval, TimeProvider clock, Func<Task> refresh, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken)) await refresh();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
