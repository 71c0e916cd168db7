using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using TasksConsole.Core.Common;
using TasksConsole.Core.Data;

namespace TasksConsole.Core.Audit;

/// <summary>
/// Writes audit entries in the background, many to a transaction: an action pays for a queue write, not for an
/// INSERT and a commit of its own (a cancel would cost nearly twice as much). The first entry waits up to
/// <see cref="GatherWindow"/> for others to join it, unless someone waits for it (<see cref="FlushAsync"/>), and the
/// rows go in as plain INSERTs on SQLite and one binary COPY on PostgreSQL (EF's SaveChanges costs several times the
/// row itself). A failed write is tried again a few times; entries it still cannot store are logged in full, so they
/// are not lost without a trace. Disposing (the host stopping) writes what is queued first, with no more pauses
/// between tries: a writer pausing to try again would hold the shutdown for seconds, or open the store after the host
/// has gone.
/// </summary>
public sealed class AuditWriter(IDbContextFactory<TasksDbContext> dbFactory, ILogger<AuditWriter> logger) : IAsyncDisposable
{
    public const int MaxBatch = 500;

    /// <summary>How long the first queued entry waits for others before they are written together.</summary>
    public static readonly TimeSpan GatherWindow = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan[] RetryDelays = [TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5)];

    // Entries, and flush markers that complete once everything queued before them is stored.
    private readonly Channel<object> _queue = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
    // Paces log lines only, so the wall clock serves.
    private readonly RepeatedFaultLog _storeFaultLog = new(TimeProvider.System, TimeSpan.FromMinutes(1));
    private readonly Lock _starting = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task? _draining;
    private int _flushesWaiting;
    private int _entriesQueued;
    // Ends the gathering early: a flush waits, a batch is full, or the host stops. A fresh one for every gathering.
    private TaskCompletionSource _gatheringDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private RowInserter? _inserter;

    public void Enqueue(AuditRecord record)
    {
        if (!_queue.Writer.TryWrite(record))
        {
            logger.LogWarning("Audit entry after shutdown, not stored: {Action} by {Actor}: {Summary}", record.Action, record.ActorName, record.Summary);
            return;
        }
        if (Interlocked.Increment(ref _entriesQueued) >= MaxBatch) EndGathering();
        EnsureDraining();
    }

    /// <summary>Completes once every entry queued before the call is stored (or given up on).</summary>
    public Task FlushAsync()
    {
        var flushed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite(flushed)) return Task.CompletedTask;
        Interlocked.Increment(ref _flushesWaiting);
        EndGathering();
        EnsureDraining();
        return flushed.Task;
    }

    private void EndGathering() => Volatile.Read(ref _gatheringDone).TrySetResult();

    private void EnsureDraining()
    {
        if (_draining is not null) return;
        lock (_starting) _draining ??= Task.Run(DrainAsync);
    }

    private async Task DrainAsync()
    {
        var batch = new List<AuditRecord>(MaxBatch);
        var flushes = new List<TaskCompletionSource>();
        while (await _queue.Reader.WaitToReadAsync())
        {
            try
            {
                await GatherAsync();
            }
            catch (Exception ex)
            {
                // Gathering is an optimisation: whatever went wrong, the entries are still written.
                logger.LogWarning(ex, "Gathering audit entries failed; writing what is queued");
            }
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var item))
            {
                if (item is AuditRecord record)
                {
                    batch.Add(record);
                    Interlocked.Decrement(ref _entriesQueued);
                }
                else flushes.Add((TaskCompletionSource)item);
            }
            if (batch.Count > 0) await WriteAsync(batch);
            foreach (var flush in flushes)
            {
                Interlocked.Decrement(ref _flushesWaiting);
                flush.TrySetResult();
            }
            batch.Clear();
            flushes.Clear();
        }
    }

    /// <summary>
    /// Waits for more entries to join, up to the window, unless a batch is full, a reader waits, or the host stops.
    /// It sleeps until one of those happens rather than looking every few milliseconds: a node records a few entries
    /// a minute, and waking a thread a hundred times a second for each of them is a cost of its own.
    /// </summary>
    private async Task GatherAsync()
    {
        // A fresh signal before the conditions are read: whoever changes one afterwards ends this gathering.
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _gatheringDone, done);
        if (Volatile.Read(ref _entriesQueued) >= MaxBatch || Volatile.Read(ref _flushesWaiting) > 0 || _stopping.IsCancellationRequested) return;
        await Task.WhenAny(done.Task, Task.Delay(GatherWindow, _stopping.Token));
    }

    private async Task WriteAsync(List<AuditRecord> batch)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await using var db = await dbFactory.CreateDbContextAsync();
                var inserter = _inserter ??= new RowInserter(db.Model.FindEntityType(typeof(AuditRecord))!);
                await db.Database.OpenConnectionAsync();
                var connection = db.Database.GetDbConnection();
                var dialect = SqlDialect.Of(db);
                await WriteGate.RunAsync(db, async () =>
                {
                    await using var transaction = await dialect.BeginWriteTransactionAsync(connection);
                    await RowInserts.InsertAsync(connection, inserter, batch);
                    await transaction.CommitAsync();
                });
                return;
            }
            catch (Exception ex) when (attempt < RetryDelays.Length && !_stopping.IsCancellationRequested)
            {
                // A store that cannot take writes fails every attempt of every batch until an operator acts: the
                // entries given up on are still logged one by one below, the retries once a minute.
                if (StoreErrors.StoreUnavailableReason(ex) is not { } reason)
                {
                    logger.LogWarning(ex, "Storing {Count} audit entries failed; trying again", batch.Count);
                }
                else if (_storeFaultLog.ShouldLog(out var unlogged))
                {
                    logger.LogWarning(ex, "Storing {Count} audit entries failed: the store cannot take writes ({Reason}); trying again ({Unlogged} more failures since the last report)",
                        batch.Count, reason, unlogged);
                }
                try
                {
                    await Task.Delay(RetryDelays[attempt], _stopping.Token);
                }
                catch (OperationCanceledException)
                {
                    LogNotStored(batch, ex);
                    return;
                }
            }
            catch (Exception ex)
            {
                LogNotStored(batch, ex);
                return;
            }
        }
    }

    private void LogNotStored(List<AuditRecord> batch, Exception ex)
    {
        foreach (var record in batch)
        {
            logger.LogError("Audit entry not stored: {Timestamp:O} {Action} by {Actor} ({Source}, {RemoteAddress}) on {TargetType} {TargetId}: {Summary} {Details}",
                record.Timestamp, record.Action, record.ActorName, record.Source, record.RemoteAddress, record.TargetType, record.TargetId, record.Summary, record.DetailsJson);
        }
        logger.LogError(ex, "Storing {Count} audit entries failed for good", batch.Count);
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested) return;
        await _stopping.CancelAsync();
        _queue.Writer.TryComplete();
        if (_draining is { } draining) await draining;
        _stopping.Dispose();
    }
}
