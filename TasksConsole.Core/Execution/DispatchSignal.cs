namespace TasksConsole.Core.Execution;

/// <summary>Wakes the dispatcher early: a task became due before its next look, or capacity was freed.</summary>
public sealed class DispatchSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    // When the sleeping dispatcher looks again anyway (UTC ticks); the maximum while it is not asleep, so that a task
    // created during a round, perhaps after the round's query, always gets another round.
    private long _nextLookTicks = DateTimeOffset.MaxValue.UtcTicks;

    public void Wake()
    {
        if (_signal.CurrentCount == 0)
        {
            try
            {
                _signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another caller woke it first; one pending wake-up is enough.
            }
        }
    }

    /// <summary>
    /// Wakes the dispatcher for a new task only if the task starts before the dispatcher's next look (which claims
    /// everything starting within the look-ahead). A burst of tasks for later then costs no dispatch rounds.
    /// </summary>
    public void WakeForStart(DateTimeOffset? start)
    {
        if (start is not { } at || at.UtcTicks < Interlocked.Read(ref _nextLookTicks)) Wake();
    }

    /// <summary>Waits for a wake-up or the timeout; true when woken.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (timeout < TimeSpan.Zero) timeout = TimeSpan.Zero;
        Interlocked.Exchange(ref _nextLookTicks, (clock.GetUtcNow() + timeout).UtcTicks);
        try
        {
            return await _signal.WaitAsync(timeout, cancellationToken);
        }
        finally
        {
            Interlocked.Exchange(ref _nextLookTicks, DateTimeOffset.MaxValue.UtcTicks);
        }
    }
}
