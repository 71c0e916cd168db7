using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;

namespace TasksConsole.Core.Data;

/// <summary>
/// One writer at a time per database file, in this process: write transactions queue here and run one after the
/// other. SQLite has a single writer; writers that race for it lose with SQLITE_BUSY and its busy handler sleeps them
/// (1, 2, 5, ... up to 100 ms) whether or not the lock is free again meanwhile. Under a steady stream of creates,
/// claims, starts and outcomes, those sleeps were where a create's p99 went. Queued here instead, each write starts
/// the moment the one before it commits, in arrival order, on the queue's own loop: handing the lock on does not wait
/// for the thread pool to schedule the next writer. Other processes, and writers that do not queue here, still meet
/// the busy handler, so queuing is an optimisation, never a condition for correctness.
/// </summary>
public static class WriteGate
{
    // Keyed by connection string: every context over one file shares it, whichever host or factory made it.
    private static readonly ConcurrentDictionary<string, Lazy<Channel<Func<Task>>>> Queues = new(StringComparer.Ordinal);

    /// <summary>
    /// Runs <paramref name="write"/> (one write transaction, or one statement) in the database's write turn. Keep it
    /// to the writing: whatever it awaits holds up every writer behind it.
    /// </summary>
    public static Task<T> RunAsync<T>(DbContext db, Func<Task<T>> write, CancellationToken cancellationToken = default)
    {
        if (!db.Database.IsSqlite()) return write();
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var queue = Queues.GetOrAdd(db.Database.GetConnectionString() ?? "", _ => new Lazy<Channel<Func<Task>>>(Start)).Value;
        queue.Writer.TryWrite(async () =>
        {
            if (cancellationToken.IsCancellationRequested)
            {
                done.TrySetCanceled(cancellationToken);
                return;
            }
            try
            {
                done.TrySetResult(await write());
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                done.TrySetCanceled(cancellationToken);
            }
            catch (Exception ex)
            {
                done.TrySetException(ex);
            }
        });
        return done.Task;
    }

    public static Task RunAsync(DbContext db, Func<Task> write, CancellationToken cancellationToken = default) =>
        RunAsync(db, async () =>
        {
            await write();
            return true;
        }, cancellationToken);

    private static Channel<Func<Task>> Start()
    {
        var queue = Channel.CreateUnbounded<Func<Task>>(new UnboundedChannelOptions { SingleReader = true });
        _ = Task.Run(async () =>
        {
            // Each item catches its own errors; the loop lives as long as the process.
            while (await queue.Reader.WaitToReadAsync())
            {
                while (queue.Reader.TryRead(out var write)) await write();
            }
        });
        return queue;
    }
}
