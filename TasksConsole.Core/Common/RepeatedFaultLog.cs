namespace TasksConsole.Core.Common;

/// <summary>
/// Paces the log of a fault that repeats on every attempt until an operator acts (a full or read-only store fails
/// every write): the first occurrence is logged in full, then one a <see cref="Interval"/> with how many went
/// unlogged, so the log tells the operator without burying everything else. Thread-safe.
/// </summary>
public sealed class RepeatedFaultLog(TimeProvider clock, TimeSpan interval)
{
    private readonly Lock _gate = new();
    private long? _loggedAt;
    private int _unlogged;

    public TimeSpan Interval { get; } = interval;

    /// <summary>True when this occurrence is to be logged; <paramref name="unlogged"/> counts those skipped since the last.</summary>
    public bool ShouldLog(out int unlogged)
    {
        lock (_gate)
        {
            var now = clock.GetTimestamp();
            if (_loggedAt is { } last && clock.GetElapsedTime(last, now) < Interval)
            {
                _unlogged++;
                unlogged = 0;
                return false;
            }
            _loggedAt = now;
            unlogged = _unlogged;
            _unlogged = 0;
            return true;
        }
    }

    /// <summary>The fault is over; true when one was being logged, so the caller can say it has passed.</summary>
    public bool Clear()
    {
        lock (_gate)
        {
            if (_loggedAt is null) return false;
            _loggedAt = null;
            _unlogged = 0;
            return true;
        }
    }
}
