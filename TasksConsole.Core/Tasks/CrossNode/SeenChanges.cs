namespace TasksConsole.Core.Tasks.CrossNode;

/// <summary>
/// What this node's clients have been shown, per task, for a while: so that a change that reaches the node twice
/// (a notification and the catch-up read after a lost connection both carry it) is shown once, and a catch-up that
/// already showed a task's later status is not followed by an older one still in flight.
/// </summary>
/// <remarks>
/// A task row never returns to a status it left (new, in progress, then one final status; a retry is a new row),
/// so task id + status names a change; its timestamp is only needed to order two statuses, which their order in
/// that sequence does as well. Entries are kept for <see cref="Prune"/>'s horizon, and at most
/// <see cref="MaxEntries"/> of them, the oldest going first.
/// </remarks>
public sealed class SeenChanges(TimeProvider clock)
{
    public const int MaxEntries = 500_000;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _byTask = new(StringComparer.Ordinal);
    private readonly Queue<(string TaskId, long SeenTicks)> _order = new();

    public int Count
    {
        get
        {
            lock (_gate) return _byTask.Count;
        }
    }

    /// <summary>A change this node made: always shown; remembered so that the same change from elsewhere is not.</summary>
    public void RecordLocal(TaskChange change)
    {
        lock (_gate) Remember(change);
    }

    /// <summary>
    /// Whether a change from another node (or from the catch-up read) should be shown: false when it was shown
    /// already, or when it is a status older than one already shown. Remembers it when true.
    /// </summary>
    public bool TryAccept(TaskChange change)
    {
        lock (_gate)
        {
            if (_byTask.TryGetValue(change.TaskId, out var entry))
            {
                if (change.Kind == TaskChangeKind.Created)
                {
                    // A creation is news even after the task's later status arrived first (another node ran it
                    // quickly), but only once, whatever status it showed the task in.
                    if ((entry.Statuses & CreatedBit) != 0) return false;
                }
                else if ((entry.Statuses & Bit(change.Status)) != 0 || Rank(change.Status) < entry.HighestRank)
                {
                    return false;
                }
            }
            Remember(change);
            return true;
        }
    }

    /// <summary>Whether anything of the task was shown within the horizon.</summary>
    public bool Knows(string taskId)
    {
        lock (_gate) return _byTask.ContainsKey(taskId);
    }

    /// <summary>Forgets what was first seen before <paramref name="horizon"/>.</summary>
    public void Prune(DateTimeOffset horizon)
    {
        var ticks = horizon.UtcTicks;
        lock (_gate)
        {
            while (_order.TryPeek(out var oldest) && oldest.SeenTicks < ticks) Forget();
        }
    }

    private void Remember(TaskChange change)
    {
        var bit = (byte)(Bit(change.Status) | (change.Kind == TaskChangeKind.Created ? CreatedBit : 0));
        if (_byTask.TryGetValue(change.TaskId, out var entry))
        {
            _byTask[change.TaskId] = entry with { Statuses = (byte)(entry.Statuses | bit), HighestRank = Math.Max(entry.HighestRank, Rank(change.Status)) };
            return;
        }
        var now = clock.GetUtcNow().UtcTicks;
        _byTask[change.TaskId] = new Entry(bit, Rank(change.Status), now);
        _order.Enqueue((change.TaskId, now));
        if (_order.Count > MaxEntries) Forget();
    }

    private void Forget()
    {
        var (taskId, seen) = _order.Dequeue();
        if (_byTask.TryGetValue(taskId, out var entry) && entry.FirstSeenTicks == seen) _byTask.Remove(taskId);
    }

    // Above the six statuses' bits: a creation was shown (in whatever status it carried).
    private const byte CreatedBit = 1 << 7;

    private static byte Bit(TaskState status) => (byte)(1 << (int)status);

    private static int Rank(TaskState status) => status switch
    {
        TaskState.New => 0,
        TaskState.InProgress => 1,
        _ => 2,
    };

    private readonly record struct Entry(byte Statuses, int HighestRank, long FirstSeenTicks);
}
