namespace TasksConsole.Core.Data;

/// <summary>
/// A small table held in memory for hot paths that must not query the store per call (the dispatcher, task
/// creation). A read is a field read while the snapshot is current. It is reloaded after a change made on this node
/// (<see cref="Invalidate"/>) and at most <paramref name="maxAge"/> after it was loaded, which is how changes made by
/// another node sharing the store reach this one.
/// </summary>
public sealed class StoreSnapshot<T>(Func<CancellationToken, Task<T>> load, TimeSpan maxAge, TimeProvider clock) where T : class
{
    private readonly SemaphoreSlim _loading = new(1, 1);
    private Snapshot? _snapshot;
    private long _version;

    public ValueTask<T> GetAsync(CancellationToken cancellationToken = default)
    {
        var snapshot = Volatile.Read(ref _snapshot);
        return IsCurrent(snapshot) ? ValueTask.FromResult(snapshot!.Value) : new ValueTask<T>(LoadAsync(cancellationToken));
    }

    /// <summary>Drops the snapshot; the next read loads a fresh one.</summary>
    public void Invalidate() => Interlocked.Increment(ref _version);

    private bool IsCurrent(Snapshot? snapshot) =>
        snapshot is not null
        && snapshot.Version == Interlocked.Read(ref _version)
        && clock.GetUtcNow() - snapshot.LoadedAt < maxAge;

    private async Task<T> LoadAsync(CancellationToken cancellationToken)
    {
        // One load at a time: a burst of misses (start-up, right after a change) costs one query, not one each.
        await _loading.WaitAsync(cancellationToken);
        try
        {
            var current = Volatile.Read(ref _snapshot);
            if (IsCurrent(current)) return current!.Value;

            // Read the version before the query: a change committed during the load leaves this snapshot already
            // stale, so the next read loads again instead of trusting it.
            var version = Interlocked.Read(ref _version);
            var loadedAt = clock.GetUtcNow();
            var snapshot = new Snapshot(await load(cancellationToken), version, loadedAt);
            Volatile.Write(ref _snapshot, snapshot);
            return snapshot.Value;
        }
        finally
        {
            _loading.Release();
        }
    }

    private sealed record Snapshot(T Value, long Version, DateTimeOffset LoadedAt);
}
