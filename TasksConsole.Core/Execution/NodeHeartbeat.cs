using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TasksConsole.Core.Common;
using TasksConsole.Core.Data;
using TasksConsole.Core.Tasks;

namespace TasksConsole.Core.Execution;

/// <summary>
/// Every <see cref="ExecutionOptions.HeartbeatInterval"/>: writes this node's row in <c>Nodes</c>, then looks for
/// nodes that stopped writing theirs. A dead node's unstarted claims go back to the queue at once (any live node may
/// do it: the release is one guarded UPDATE, so two nodes doing it together change each task once); its tasks left in
/// progress are reached by <see cref="ExecutionRecovery.CleanupAsync"/>, which fails them as zombies after their time
/// limit and grace whichever node they ran on. Rows dead for <see cref="ExecutionOptions.DeadNodeRetention"/> go.
/// </summary>
public sealed class NodeHeartbeat(
    IDbContextFactory<TasksDbContext> dbFactory,
    TaskClaimer claimer,
    CapacityTracker capacity,
    IOptions<ExecutionOptions> executionOptions,
    TimeProvider clock,
    ILogger<NodeHeartbeat> logger) : BackgroundService
{
    private readonly ExecutionOptions _options = executionOptions.Value;
    private readonly RepeatedFaultLog _storeFaultLog = new(clock, TimeSpan.FromMinutes(1));
    private DateTimeOffset? _started;

    public static string Version { get; } =
        typeof(NodeHeartbeat).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await BeatAsync(stoppingToken);
                if (_storeFaultLog.Clear()) logger.LogInformation("Node heartbeat works again: the store takes writes");
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested && StoreErrors.StoreUnavailableReason(ex) is { } reason)
            {
                // The store fails every beat until an operator acts: once a minute is enough to say so.
                if (_storeFaultLog.ShouldLog(out var unlogged))
                {
                    logger.LogWarning(ex, "Node heartbeat failed: the store cannot take writes ({Reason}); trying again every {Interval} ({Unlogged} more failures since the last report)",
                        reason, _options.HeartbeatInterval, unlogged);
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Node heartbeat failed; trying again in {Interval}", _options.HeartbeatInterval);
            }
            try
            {
                await Task.Delay(_options.HeartbeatInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One heartbeat: this node's row, then the dead nodes' claims; returns how many claims it released.</summary>
    public async Task<int> BeatAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetStoredNow();
        _started ??= now;
        await WriteOwnRowAsync(now, cancellationToken);

        List<string> dead;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var cutOff = now - _options.NodeTimeout;
            dead = await db.Nodes.AsNoTracking()
                .Where(n => n.Id != _options.NodeId && n.HeartbeatTimestamp < cutOff)
                .Select(n => n.Id)
                .ToListAsync(cancellationToken);
        }

        var released = 0;
        foreach (var node in dead)
        {
            // Read first: most dead nodes hold nothing, and a read costs no write turn.
            if (await CountClaimsAsync(node, cancellationToken) == 0) continue;
            var count = await claimer.ReleaseClaimsAsync(node + ":", claimedBefore: null, cancellationToken);
            released += count;
            if (count > 0) logger.LogWarning("Node {Node} stopped heartbeating; released {Count} of its unstarted claims", node, count);
        }

        await PruneAsync(now - _options.DeadNodeRetention, cancellationToken);
        return released;
    }

    private async Task WriteOwnRowAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var claims = await CountClaimsAsync(_options.NodeId, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var row = await db.Nodes.SingleOrDefaultAsync(n => n.Id == _options.NodeId, cancellationToken);
        if (row is null)
        {
            row = new NodeRecord { Id = _options.NodeId };
            db.Nodes.Add(row);
        }
        row.Version = Version;
        row.HostName = Environment.MachineName;
        row.StartedTimestamp = _started!.Value;
        row.HeartbeatTimestamp = now;
        row.Dispatches = _options.DispatcherEnabled;
        row.TasksInFlight = capacity.InFlight;
        row.ClaimsHeld = claims;
        await WriteGate.RunAsync(db, () => db.SaveChangesAsync(cancellationToken), cancellationToken);
    }

    private async Task<int> CountClaimsAsync(string nodeId, CancellationToken cancellationToken)
    {
        var prefix = nodeId + ":";
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Tasks.CountAsync(t => t.Status == TaskState.New && t.ClaimedBy != null && t.ClaimedBy.StartsWith(prefix), cancellationToken);
    }

    private async Task PruneAsync(DateTimeOffset cutOff, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await db.Nodes.AnyAsync(n => n.HeartbeatTimestamp < cutOff, cancellationToken)) return;
        await WriteGate.RunAsync(db, () => db.Nodes.Where(n => n.HeartbeatTimestamp < cutOff).ExecuteDeleteAsync(cancellationToken), cancellationToken);
    }
}

/// <summary>A node as the console and the admin API show it.</summary>
public sealed record NodeInfo(
    string Id, string Version, string HostName, DateTimeOffset StartedTimestamp, DateTimeOffset HeartbeatTimestamp,
    TimeSpan HeartbeatAge, bool Dispatches, int TasksInFlight, int ClaimsHeld, bool Dead);

public sealed class NodeQueries(IDbContextFactory<TasksDbContext> dbFactory, IOptions<ExecutionOptions> options, TimeProvider clock)
{
    /// <summary>Every known node, live ones first, each with its heartbeat age and whether it counts as dead.</summary>
    public async Task<IReadOnlyList<NodeInfo>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.Nodes.AsNoTracking().ToListAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var timeout = options.Value.NodeTimeout;
        return rows
            .Select(n =>
            {
                var age = now - n.HeartbeatTimestamp;
                if (age < TimeSpan.Zero) age = TimeSpan.Zero;
                return new NodeInfo(n.Id, n.Version, n.HostName, n.StartedTimestamp, n.HeartbeatTimestamp, age,
                    n.Dispatches, n.TasksInFlight, n.ClaimsHeld, Dead: age > timeout);
            })
            .OrderBy(n => n.Dead)
            .ThenBy(n => n.Id, StringComparer.Ordinal)
            .ToList();
    }
}
