using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using TasksConsole.Core.Data;
using TasksConsole.Core.Events;

namespace TasksConsole.Core.Tasks.CrossNode;

/// <summary>
/// Listens on one dedicated connection for the other nodes' changes and delivers them into this node's feed, so
/// that circuits, hub clients and the dispatcher see them as they see local ones. When the connection is lost it
/// reconnects with backoff, listens again, then reads from the store every task whose status changed since a
/// little before it was last known to be connected, and delivers those too; <see cref="SeenChanges"/> keeps what
/// both routes carry from being shown twice.
/// </summary>
public sealed class ChangeListener(
    NodeTaskChangeFeed feed,
    SeenChanges seen,
    CrossNodeConnections connections,
    IDbContextFactory<TasksDbContext> dbFactory,
    IOptions<CrossNodeOptions> options,
    TimeProvider clock,
    ILogger<ChangeListener> logger) : BackgroundService
{
    /// <summary>Rows per catch-up read: a long outage is read in pages rather than at once.</summary>
    public const int CatchUpPageSize = 1000;

    // What was shown is kept for the catch-up margin and this much more, counted from the last moment the
    // connection was known to be alive: while it is lost, nothing that a catch-up could repeat is forgotten.
    private static readonly TimeSpan SeenSlack = TimeSpan.FromSeconds(60);

    /// <summary>Catch-up reads tried in a row, on a connection that listens, before giving up on one.</summary>
    public const int MaxCatchUpAttempts = 3;

    private long _connections, _received, _delivered, _caughtUp, _ownSkipped;
    private int _catchUpFailures;
    private int _processId;
    private CancellationToken _stopping;

    /// <summary>How many times a LISTEN succeeded (1 after the first connection, +1 per reconnection).</summary>
    public long Connections => Interlocked.Read(ref _connections);

    /// <summary>Changes received in notifications from other nodes.</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Changes delivered into this node's feed, from notifications and catch-up reads.</summary>
    public long Delivered => Interlocked.Read(ref _delivered);

    /// <summary>Changes delivered by catch-up reads (those that no notification had brought).</summary>
    public long CaughtUp => Interlocked.Read(ref _caughtUp);

    /// <summary>Notifications this node sent itself and skipped unread.</summary>
    public long OwnSkipped => Interlocked.Read(ref _ownSkipped);

    /// <summary>The server process of the listening connection, 0 while there is none.</summary>
    public int ProcessId => Volatile.Read(ref _processId);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        var settings = options.Value;
        var startedAt = clock.GetUtcNow();
        DateTimeOffset? lastAlive = null;
        DateTimeOffset? catchUpFrom = null;
        var delay = settings.ReconnectDelay;
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connections.ListenConnectionString);
                await connection.OpenAsync(stoppingToken);
                connection.Notification += OnNotification;
                await using (var listen = new NpgsqlCommand($"LISTEN \"{settings.Channel}\"", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }
                // Listening before reading: a change committed from now on arrives as a notification, one
                // committed before is in the read; one in both is shown once.
                if (catchUpFrom is { } from && !await TryCatchUpAsync(from, stoppingToken)) continue;
                if (failures > 0) logger.LogInformation("Listening to the other nodes' changes again after {Failures} failed attempts", failures);
                catchUpFrom = null;
                failures = 0;
                delay = settings.ReconnectDelay;
                Volatile.Write(ref _processId, connection.ProcessID);
                Interlocked.Increment(ref _connections);

                while (true)
                {
                    var checkedAt = clock.GetUtcNow();
                    if (!await connection.WaitAsync(settings.KeepAliveInterval, stoppingToken))
                    {
                        // Idle: make sure the connection still answers, or a silently dead one would pass for quiet.
                        await using var ping = new NpgsqlCommand("SELECT 1", connection);
                        await ping.ExecuteScalarAsync(stoppingToken);
                    }
                    lastAlive = checkedAt;
                    seen.Prune(checkedAt - settings.CatchUpMargin - SeenSlack);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            // Any failure: a listener that gave up would leave this node's screens silently stale.
            catch (Exception ex)
            {
                Volatile.Write(ref _processId, 0);
                // The earliest instant anything may have been missed from, kept over failed attempts.
                catchUpFrom ??= (lastAlive ?? startedAt) - settings.CatchUpMargin;
                failures++;
                if (failures == 1) logger.LogWarning(ex, "Lost the connection that listens to the other nodes' changes; reconnecting");
                else logger.LogDebug(ex, "Reconnecting the change listener failed (attempt {Attempt})", failures);
                try
                {
                    await Task.Delay(delay, clock, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, settings.MaxReconnectDelay.Ticks));
            }
        }
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        if (ChangePayload.IsFrom(e.Payload, feed.Origin))
        {
            Interlocked.Increment(ref _ownSkipped);
            return;
        }
        ReceivedPayload payload;
        try
        {
            payload = ChangePayload.Parse(e.Payload);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException or IndexOutOfRangeException or FormatException)
        {
            logger.LogWarning(ex, "Ignored a change notification that could not be read");
            return;
        }
        Interlocked.Add(ref _received, payload.Changes.Count + payload.References.Count);
        foreach (var change in payload.Changes) Deliver(change, caughtUp: false);
        if (payload.References.Count > 0) _ = ResolveReferencesAsync(payload.References);
    }

    /// <summary>Changes too large for a notification: their columns come from the store.</summary>
    private async Task ResolveReferencesAsync(IReadOnlyList<ChangeReference> references)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(_stopping);
            var ids = references.Select(r => r.TaskId).Distinct().ToList();
            var rows = await db.Tasks.AsNoTracking()
                .Where(t => ids.Contains(t.Id))
                .Select(t => new { t.Id, t.FunctionName, t.Tags, t.StartTimestamp })
                .ToDictionaryAsync(t => t.Id, StringComparer.Ordinal, _stopping);
            var failedIds = references.Where(r => r.Status == TaskState.Failed).Select(r => r.TaskId).ToList();
            var failures = await FailuresAsync(db, failedIds, _stopping);
            foreach (var reference in references)
            {
                if (!rows.TryGetValue(reference.TaskId, out var row)) continue;
                Deliver(TaskChange.FromOtherNode(
                    reference.Kind, row.Id, row.FunctionName, reference.Status, row.Tags, reference.At,
                    reference.Kind == TaskChangeKind.Created ? row.StartTimestamp : null,
                    reference.Status == TaskState.Failed ? failures.GetValueOrDefault(row.Id) : null), caughtUp: false);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !_stopping.IsCancellationRequested)
        {
            logger.LogWarning(ex, "{Count} changes announced by reference could not be read from the store", references.Count);
        }
    }

    /// <summary>
    /// The catch-up, and what to do when it fails: false to reconnect and try again. A read that fails on a
    /// connection that listens fine is given up after a few attempts (with an error in the log): a node that
    /// missed some changes is better than a node that, stuck on the read, never listens again.
    /// </summary>
    private async Task<bool> TryCatchUpAsync(DateTimeOffset from, CancellationToken cancellationToken)
    {
        try
        {
            await CatchUpAsync(from, cancellationToken);
            _catchUpFailures = 0;
            return true;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            if (++_catchUpFailures < MaxCatchUpAttempts)
            {
                logger.LogWarning(ex, "Catching up on the changes made while the listener was away failed; retrying");
                await Task.Delay(options.Value.ReconnectDelay, clock, cancellationToken);
                return false;
            }
            logger.LogError(ex, "Gave up catching up on the changes made since {From:O} after {Attempts} attempts; " +
                                "this node's screens may miss some of them until they reload", from, _catchUpFailures);
            _catchUpFailures = 0;
            return true;
        }
    }

    /// <summary>
    /// Delivers every task whose status changed at or after <paramref name="from"/>, as it is now: a task this node
    /// never heard of that was created since then as a creation (in its current status), a final failure with
    /// its task_failed event, anything else as a status change.
    /// </summary>
    private async Task CatchUpAsync(DateTimeOffset from, CancellationToken cancellationToken)
    {
        var afterTimestamp = from;
        var afterId = "";
        var delivered = 0;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        while (true)
        {
            var (timestamp, id) = (afterTimestamp, afterId);
            var page = await db.Tasks.AsNoTracking()
                .Where(t => t.StatusChangedTimestamp > timestamp || (t.StatusChangedTimestamp == timestamp && string.Compare(t.Id, id) > 0))
                .OrderBy(t => t.StatusChangedTimestamp).ThenBy(t => t.Id)
                .Take(CatchUpPageSize)
                .Select(t => new { t.Id, t.FunctionName, t.Status, t.Tags, t.StartTimestamp, t.CreationTimestamp, t.StatusChangedTimestamp })
                .ToListAsync(cancellationToken);
            if (page.Count == 0) break;

            var failures = await FailuresAsync(db, page.Where(t => t.Status == TaskState.Failed).Select(t => t.Id).ToList(), cancellationToken);
            foreach (var row in page)
            {
                var change = row.Status == TaskState.Failed
                    ? TaskChange.FromOtherNode(TaskChangeKind.StatusChanged, row.Id, row.FunctionName, row.Status, row.Tags,
                        row.StatusChangedTimestamp, null, failures.GetValueOrDefault(row.Id))
                    : !seen.Knows(row.Id) && row.CreationTimestamp >= from
                        ? TaskChange.FromOtherNode(TaskChangeKind.Created, row.Id, row.FunctionName, row.Status, row.Tags,
                            row.CreationTimestamp, row.StartTimestamp, null)
                        : TaskChange.FromOtherNode(TaskChangeKind.StatusChanged, row.Id, row.FunctionName, row.Status, row.Tags,
                            row.StatusChangedTimestamp, null, null);
                if (Deliver(change, caughtUp: true)) delivered++;
            }
            if (page.Count < CatchUpPageSize) break;
            (afterTimestamp, afterId) = (page[^1].StatusChangedTimestamp, page[^1].Id);
        }
        logger.LogInformation("Caught up from {From:O}: {Delivered} changes made while the listener was away", from, delivered);
    }

    private static async Task<Dictionary<string, TaskFailedEventRecord>> FailuresAsync(
        TasksDbContext db, List<string> taskIds, CancellationToken cancellationToken)
    {
        if (taskIds.Count == 0) return new Dictionary<string, TaskFailedEventRecord>(StringComparer.Ordinal);
        var events = await db.TaskFailedEvents.AsNoTracking().Where(e => taskIds.Contains(e.TaskId)).ToListAsync(cancellationToken);
        return events.GroupBy(e => e.TaskId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.MaxBy(e => e.CreationTimestamp)!, StringComparer.Ordinal);
    }

    private bool Deliver(TaskChange change, bool caughtUp)
    {
        if (!feed.DeliverFromOtherNode(change)) return false;
        Interlocked.Increment(ref _delivered);
        if (caughtUp) Interlocked.Increment(ref _caughtUp);
        return true;
    }
}
