using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using TasksConsole.Core.Common;
using TasksConsole.Core.Data;
using TasksConsole.Core.Rql;
using TasksConsole.Core.Tasks;

namespace TasksConsole.Core.Audit;

/// <summary>
/// The audit trail: services record what they did on behalf of <see cref="AuditContext.Current"/>, and the admin
/// API and console read it back with RQL.
/// </summary>
public sealed class AuditTrail(IDbContextFactory<TasksDbContext> dbFactory, AuditWriter writer, TimeProvider clock)
{
    private static readonly JsonSerializerOptions DetailsJson = new(JsonSerializerDefaults.Web);

    /// <summary>Records an action of the current actor (or of <paramref name="actor"/>); stored in the background, within moments.</summary>
    public void Record(string action, string? targetType, string? targetId, string summary, object? details = null, AuditActor? actor = null)
    {
        actor ??= AuditContext.Current;
        writer.Enqueue(new AuditRecord
        {
            Id = ObjectId.NewId(clock),
            Timestamp = clock.GetStoredNow(),
            Action = action,
            ActorUserId = actor.UserId,
            ActorName = actor.Name,
            ActorApplicationId = actor.ApplicationId,
            Source = actor.Source,
            RemoteAddress = actor.RemoteAddress,
            TargetType = targetType,
            TargetId = targetId,
            Summary = summary,
            DetailsJson = details is null ? null : JsonSerializer.Serialize(details, DetailsJson),
        });
    }

    /// <summary>A page of entries, newest first unless sorted; entries recorded on this node before the call are included.</summary>
    public async Task<RqlPage<AuditRecord>> FindAsync(RqlQuery query, CancellationToken cancellationToken = default)
    {
        await writer.FlushAsync().WaitAsync(cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.AuditEntries.PageAsync(query, AuditRqlFields.Map, TaskQueries.DefaultLimit, TaskQueries.MaxLimit, cancellationToken);
    }

    /// <summary>
    /// Every entry matching <paramref name="filter"/>, newest first, at most <paramref name="max"/>: read by keyset in
    /// chunks (never by offset), so an export of many entries costs what its first page does per row.
    /// </summary>
    public async IAsyncEnumerable<AuditRecord> StreamAsync(
        RqlNode? filter, int max, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        const int chunkSize = 1000;
        await writer.FlushAsync().WaitAsync(cancellationToken);
        var sent = 0;
        (DateTimeOffset Timestamp, string Id)? after = null;
        while (sent < max)
        {
            List<AuditRecord> chunk;
            await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
            {
                var entries = db.AuditEntries.AsNoTracking().ApplyFilter(filter, AuditRqlFields.Map);
                if (after is { } last)
                {
                    entries = entries.Where(e => e.Timestamp < last.Timestamp || e.Timestamp == last.Timestamp && string.Compare(e.Id, last.Id) < 0);
                }
                chunk = await entries.OrderByDescending(e => e.Timestamp).ThenByDescending(e => e.Id)
                    .Take(Math.Min(chunkSize, max - sent)).ToListAsync(cancellationToken);
            }
            foreach (var entry in chunk) yield return entry;
            sent += chunk.Count;
            if (chunk.Count < chunkSize) yield break;
            after = (chunk[^1].Timestamp, chunk[^1].Id);
        }
    }

    /// <summary>The newest entry of <paramref name="action"/> on a target, or null.</summary>
    public async Task<AuditRecord?> LatestAsync(string action, string targetId, CancellationToken cancellationToken = default)
    {
        await writer.FlushAsync().WaitAsync(cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.AuditEntries.AsNoTracking()
            .Where(e => e.TargetId == targetId && e.Action == action)
            .OrderByDescending(e => e.Timestamp)
            .FirstOrDefaultAsync(cancellationToken);
    }
}

/// <summary>The RQL fields of an audit entry.</summary>
public static class AuditRqlFields
{
    public static RqlFieldMap<AuditRecord> Map { get; } = new RqlFieldMap<AuditRecord>()
        .String("id", e => e.Id)
        .Timestamp("timestamp", e => e.Timestamp)
        .String("action", e => e.Action)
        .String("actorUserId", e => e.ActorUserId)
        .String("actorName", e => e.ActorName)
        .String("actorApplicationId", e => e.ActorApplicationId)
        .String("source", e => e.Source)
        .String("remoteAddress", e => e.RemoteAddress)
        .String("targetType", e => e.TargetType)
        .String("targetId", e => e.TargetId)
        .WithDefaultSort(new RqlSortKey("timestamp", Descending: true))
        .WithTieBreaker("id");
}
