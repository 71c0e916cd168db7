using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using TasksConsole.Core.Data;

namespace TasksConsole.Core.Tasks;

/// <summary>
/// Group commit for new tasks. SQLite has one writer, and a transaction per task spends most of its time taking
/// the write lock and committing. Concurrent creates instead queue here, one writer takes everything queued into
/// one transaction (then whatever queued meanwhile), and each caller waits for the commit that carries its task.
/// A lone create is written at once: nothing waits for a batch to fill.
/// </summary>
internal sealed class TaskInsertBatcher(IDbContextFactory<TasksDbContext> dbFactory)
{
    private const int MaxBatch = 256;
    private readonly ConcurrentQueue<PendingInsert> _queue = new();
    private int _writing;

    /// <summary>Completes when the task is committed; fails with the error its insert met.</summary>
    public Task InsertAsync(TaskRecord task)
    {
        var pending = new PendingInsert(task, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        _queue.Enqueue(pending);
        if (TryTakeWriter()) _ = Task.Run(WriteQueuedAsync);
        return pending.Committed.Task;
    }

    private bool TryTakeWriter() => Interlocked.CompareExchange(ref _writing, 1, 0) == 0;

    /// <summary>
    /// Writes until the queue is empty. Its own task, not a caller's: a caller that did the writing would wait for
    /// everyone queued behind it. After letting go it looks once more, because a task queued between its last look
    /// and the release found the writer still busy and left the writing to it.
    /// </summary>
    private async Task WriteQueuedAsync()
    {
        do
        {
            try
            {
                var batch = new List<PendingInsert>(MaxBatch);
                while (true)
                {
                    batch.Clear();
                    while (batch.Count < MaxBatch && _queue.TryDequeue(out var next)) batch.Add(next);
                    if (batch.Count == 0) break;
                    await WriteAsync(batch);
                }
            }
            finally
            {
                Volatile.Write(ref _writing, 0);
            }
        }
        while (!_queue.IsEmpty && TryTakeWriter());
    }

    private async Task WriteAsync(List<PendingInsert> batch)
    {
        try
        {
            await SaveAsync(batch);
            foreach (var item in batch) item.Committed.TrySetResult();
        }
        catch (Exception) when (batch.Count > 1)
        {
            // One bad row must not fail the tasks it happened to share a transaction with.
            foreach (var item in batch) await WriteAsync([item]);
        }
        catch (Exception ex)
        {
            batch[0].Committed.TrySetException(ex);
        }
    }

    private async Task SaveAsync(List<PendingInsert> batch)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        db.Tasks.AddRange(batch.Select(b => b.Task));
        await db.SaveChangesAsync();
    }

    private sealed record PendingInsert(TaskRecord Task, TaskCompletionSource Committed);
}
