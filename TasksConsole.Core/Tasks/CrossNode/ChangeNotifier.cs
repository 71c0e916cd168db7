using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace TasksConsole.Core.Tasks.CrossNode;

/// <summary>
/// Sends the changes this node publishes to the other nodes: it gathers them for <see cref="CrossNodeOptions.GatherWindow"/>,
/// packs them into payloads under PostgreSQL's 8000-byte limit and sends them all with one statement (one
/// NOTIFY per payload, in order). A failed send is retried with backoff; nothing is dropped while it waits.
/// </summary>
public sealed class ChangeNotifier(
    NodeTaskChangeFeed feed, CrossNodeConnections connections, IOptions<CrossNodeOptions> options, TimeProvider clock, ILogger<ChangeNotifier> logger)
    : BackgroundService
{
    /// <summary>Changes sent in one statement at most: a backlog goes out in rounds that each commit quickly.</summary>
    public const int MaxChangesPerRound = 4000;

    private static readonly TimeSpan FinalFlushTimeout = TimeSpan.FromSeconds(3);

    private long _sequence, _droppedReported;
    private long _notifications, _changes, _bytes;

    public long Notifications => Interlocked.Read(ref _notifications);
    public long ChangesSent => Interlocked.Read(ref _changes);
    public long BytesSent => Interlocked.Read(ref _bytes);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = feed.Outbox.Reader;
        var gather = options.Value.GatherWindow;
        var batch = new List<TaskChange>();
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                if (gather > TimeSpan.Zero) await Task.Delay(gather, clock, stoppingToken);
                batch.Clear();
                while (batch.Count < MaxChangesPerRound && reader.TryRead(out var change)) batch.Add(change);
                await SendAsync(batch, stoppingToken);
                ReportDropped();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what was published up to now still goes out, briefly tried once.
            batch.Clear();
            while (reader.TryRead(out var change)) batch.Add(change);
            if (batch.Count == 0) return;
            using var timeout = new CancellationTokenSource(FinalFlushTimeout);
            try
            {
                await SendOnceAsync(ChangePayload.Pack(feed.Origin, ref _sequence, batch), batch.Count, timeout.Token);
            }
            catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or TimeoutException)
            {
                logger.LogWarning(ex, "{Count} changes made just before stopping were not sent to the other nodes", batch.Count);
            }
        }
    }

    private void ReportDropped()
    {
        var dropped = feed.OutboxDropped;
        if (dropped == _droppedReported) return;
        logger.LogError("{Count} changes were not sent to the other nodes: the outbox was full while the database could not be reached " +
                        "({Total} since start)", dropped - _droppedReported, dropped);
        _droppedReported = dropped;
    }

    private async Task SendAsync(List<TaskChange> batch, CancellationToken cancellationToken)
    {
        var payloads = ChangePayload.Pack(feed.Origin, ref _sequence, batch);
        var delay = options.Value.ReconnectDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await SendOnceAsync(payloads, batch.Count, cancellationToken);
                if (attempt > 1) logger.LogInformation("Changes reach the other nodes again, after {Attempts} attempts", attempt);
                return;
            }
            catch (PostgresException ex)
            {
                // The server refused the statement itself: sending it again would not help.
                logger.LogError(ex, "{Count} changes could not be sent to the other nodes", batch.Count);
                return;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                if (attempt == 1) logger.LogWarning(ex, "Sending changes to the other nodes failed; retrying");
                await Task.Delay(delay, clock, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.Value.MaxReconnectDelay.Ticks));
            }
        }
    }

    private async Task SendOnceAsync(List<string> payloads, int changes, CancellationToken cancellationToken)
    {
        await using var connection = await connections.Notify.OpenConnectionAsync(cancellationToken);
        // One statement, one transaction: the notifications are delivered together at its commit, in array order.
        await using var command = new NpgsqlCommand("SELECT pg_notify($1, p) FROM unnest($2::text[]) WITH ORDINALITY AS u(p, i) ORDER BY i", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = options.Value.Channel });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. payloads] });
        await command.ExecuteNonQueryAsync(cancellationToken);
        Interlocked.Add(ref _notifications, payloads.Count);
        Interlocked.Add(ref _changes, changes);
        Interlocked.Add(ref _bytes, payloads.Sum(p => (long)p.Length));
    }
}
