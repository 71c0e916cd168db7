using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
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
    private RowInserters? _rows;

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

    /// <summary>
    /// Plain prepared INSERTs in one transaction: EF's SaveChanges spent four fifths of a create's database time
    /// preparing its batch (graph attach, topological sort, SQL per row). The rows are still written exactly as EF
    /// would write them: the columns and value conversions come from EF's model.
    /// </summary>
    private async Task SaveAsync(List<PendingInsert> batch)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var rows = _rows ??= new RowInserters(db.Model);
        await db.Database.OpenConnectionAsync();
        var connection = db.Database.GetDbConnection();
        var dialect = SqlDialect.Of(db);
        await WriteGate.RunAsync(db, async () =>
        {
            await using var transaction = await dialect.BeginWriteTransactionAsync(connection);
            if (connection.CanCreateBatch)
            {
                // PostgreSQL: every INSERT of the batch in one round trip, instead of a round trip per row (which
                // left a server at a fraction of its CPU, waiting on the network). SQLite is in-process and has no
                // batches; its prepared statements below cost no round trip.
                await using var inserts = connection.CreateBatch();
                inserts.Transaction = transaction;
                foreach (var item in batch) rows.Tasks.AddTo(inserts, item.Task);
                // The tag rows as one statement, so that the tag counters' statement trigger (see
                // TagCountCompactor) runs once per batch instead of once per row.
                rows.Tags.AddAllTo(inserts, batch.SelectMany(item => item.Task.TagIndex).ToList<object>());
                await inserts.ExecuteNonQueryAsync();
            }
            else
            {
                using var insertTask = rows.Tasks.PrepareSqlite((SqliteConnection)connection);
                using var insertTag = rows.Tags.PrepareSqlite((SqliteConnection)connection);
                foreach (var item in batch)
                {
                    insertTask.Insert(item.Task);
                    foreach (var tag in item.Task.TagIndex) insertTag.Insert(tag);
                }
            }
            await transaction.CommitAsync();
        });
    }

    private sealed class RowInserters(IModel model)
    {
        public RowInserter Tasks { get; } = new(model.FindEntityType(typeof(TaskRecord))!);
        public RowInserter Tags { get; } = new(model.FindEntityType(typeof(TaskTag))!);
    }

    private sealed record PendingInsert(TaskRecord Task, TaskCompletionSource Committed);
}
