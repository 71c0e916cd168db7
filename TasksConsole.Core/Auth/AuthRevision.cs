using Microsoft.EntityFrameworkCore;
using TasksConsole.Core.Data;

namespace TasksConsole.Core.Auth;

/// <summary>
/// A counter that moves whenever a credential or a user's standing changes (revocation, role change, disabling,
/// password reset). In-memory caches of validated tokens and sessions remember the revision they saw and drop
/// entries from an older one, so a revocation takes effect on the next request instead of after the cache TTL.
/// </summary>
/// <remarks>
/// Every node keeps its own counter, so a change is also counted in a stored row (<see cref="AuthRevisionRecord"/>)
/// that <see cref="AuthRevisionSync"/> polls on every node: a revocation on one node empties the caches of all of
/// them within the poll interval.
/// </remarks>
public sealed class AuthRevision(IDbContextFactory<TasksDbContext> dbFactory)
{
    private long _current;

    public long Current => Interlocked.Read(ref _current);

    /// <summary>Moves this node's counter only: for a change another node already stored.</summary>
    public void Advance() => Interlocked.Increment(ref _current);

    /// <summary>A change made here: moves this node's counter at once and the stored one for the other nodes.</summary>
    public async Task PublishAsync(CancellationToken cancellationToken = default)
    {
        Advance();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await WriteGate.RunAsync(db, () => IncrementStoredAsync(db, cancellationToken), cancellationToken);
    }

    /// <summary>Moves the stored counter inside the caller's transaction, so it commits with the change itself.</summary>
    public static Task<int> IncrementStoredAsync(TasksDbContext db, CancellationToken cancellationToken) =>
        db.AuthRevisions
            .Where(r => r.Id == AuthRevisionRecord.SingletonId)
            .ExecuteUpdateAsync(set => set.SetProperty(r => r.Value, r => r.Value + 1), cancellationToken);
}

/// <summary>The one stored row counting auth changes across all nodes.</summary>
public sealed class AuthRevisionRecord
{
    public const int SingletonId = 1;

    public int Id { get; set; }

    public long Value { get; set; }
}
