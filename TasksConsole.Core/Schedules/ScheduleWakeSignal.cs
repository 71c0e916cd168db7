namespace TasksConsole.Core.Schedules;

/// <summary>
/// Wakes this node's <see cref="ScheduleFiringService"/> when a schedule may be due sooner than it planned (one
/// was created or resumed). A wake that arrives while the service is busy is kept, not lost: its next wait
/// returns at once.
/// </summary>
public sealed class ScheduleWakeSignal
{
    private readonly SemaphoreSlim _pending = new(0, 1);

    public void Wake()
    {
        try
        {
            _pending.Release();
        }
        catch (SemaphoreFullException)
        {
            // A wake is already pending; one is all the sleeper needs.
        }
    }

    /// <summary>Returns after <paramref name="timeout"/> on <paramref name="clock"/>, or at once when woken.</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider clock, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var woken = _pending.WaitAsync(linked.Token);
        var elapsed = Task.Delay(timeout, clock, linked.Token);
        await Task.WhenAny(woken, elapsed);
        await linked.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
    }
}
