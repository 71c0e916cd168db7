using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TasksConsole.Core.Common;
using TasksConsole.Core.Data;

namespace TasksConsole.Core.Audit;

public sealed class AuditOptions
{
    public const string Section = "Audit";

    /// <summary>How long entries are kept; null (the default) keeps them for ever.</summary>
    public TimeSpan? Retention { get; set; }

    /// <summary>How often the purge runs (the first run is a minute after start).</summary>
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromDays(1);
}

/// <summary>
/// Deletes audit entries older than <see cref="AuditOptions.Retention"/>, oldest first, in small batches so no
/// statement holds the store's write lock long, and records how many it deleted. Every node may run it: a batch
/// another node already deleted deletes nothing.
/// </summary>
public sealed class AuditRetention(
    IDbContextFactory<TasksDbContext> dbFactory, AuditTrail audit, IOptions<AuditOptions> options, TimeProvider clock, ILogger<AuditRetention> logger)
    : PeriodicJob(clock, logger)
{
    public const int BatchSize = 1000;

    protected override bool Enabled => options.Value.Retention is not null;

    protected override TimeSpan Interval => options.Value.PurgeInterval;

    protected override string Activity => "Purging old audit entries";

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => PurgeAsync(cancellationToken);

    /// <summary>Deletes the entries past the retention period; returns how many.</summary>
    public async Task<long> PurgeAsync(CancellationToken cancellationToken = default)
    {
        if (options.Value.Retention is not { } retention) return 0;
        var cutOff = Clock.GetUtcNow() - retention;
        long purged = 0;
        while (true)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var batch = await db.AuditEntries.Where(e => e.Timestamp < cutOff)
                .OrderBy(e => e.Timestamp).Select(e => e.Id).Take(BatchSize).ToListAsync(cancellationToken);
            if (batch.Count == 0) break;
            purged += await WriteGate.RunAsync(db, () => db.AuditEntries.Where(e => batch.Contains(e.Id)).ExecuteDeleteAsync(cancellationToken), cancellationToken);
            if (batch.Count < BatchSize) break;
        }
        if (purged > 0)
        {
            audit.Record(AuditActions.AuditPurge, "audit", null, $"Purged {purged:N0} audit {(purged == 1 ? "entry" : "entries")} older than {retention}.",
                new { count = purged, before = cutOff }, AuditActor.System);
        }
        return purged;
    }
}
