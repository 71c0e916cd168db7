using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;

namespace TasksConsole.Core.Data;

/// <summary>
/// One writer at a time per database file, in this process, taken before a write transaction begins. SQLite has a
/// single writer: writers that race for it lose with SQLITE_BUSY and its busy handler sleeps them (1, 2, 5, ... up to
/// 100 ms) whether or not the lock is free again meanwhile. Under a steady stream of creates, claims, starts and
/// outcomes, those sleeps were most of a create's p99. Queued here instead, each writer starts the moment the one
/// before it commits, in arrival order. Other processes, and writers that do not take the gate, still meet the busy
/// handler, so taking it is an optimisation, never a condition for correctness.
/// </summary>
public static class WriteGate
{
    // Keyed by connection string: every context over one file shares it, whichever host or factory made it.
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);

    /// <summary>Waits for the database's write turn; dispose the result right after the commit.</summary>
    public static async Task<IDisposable> EnterAsync(DbContext db, CancellationToken cancellationToken = default)
    {
        var gate = Gates.GetOrAdd(db.Database.GetConnectionString() ?? "", _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        return new Turn(gate);
    }

    private sealed class Turn(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) gate.Release();
        }
    }
}
