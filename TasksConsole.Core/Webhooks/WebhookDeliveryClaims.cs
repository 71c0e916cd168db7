using Microsoft.EntityFrameworkCore;
using TasksConsole.Core.Data;

namespace TasksConsole.Core.Webhooks;

/// <summary>
/// The sender's SQL. A claim is one UPDATE that puts a lease on due, pending, unleased (or lease-expired) deliveries
/// of enabled endpoints, guarded by those same conditions: two nodes claiming at once cannot both win a delivery
/// (SQLite has one writer; PostgreSQL re-checks the guard on the row's latest version, and SKIP LOCKED lets each node
/// take rows the other is not taking). A node that dies mid-send leaves a lease that expires, and the delivery is
/// sent again: at least once, and the unchanged <c>webhook-id</c> lets the receiver drop the repeat.
/// </summary>
public sealed class WebhookDeliveryClaims(IDbContextFactory<TasksDbContext> dbFactory)
{
    private static readonly string Pending = WebhookDeliveryState.Pending.ToString();

    public async Task<IReadOnlyList<(WebhookDeliveryRecord Delivery, WebhookEndpointRecord Endpoint)>> ClaimDueAsync(
        string owner, DateTimeOffset now, TimeSpan lease, int limit, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var dialect = SqlDialect.Of(db);
        var due = $"""
            SELECT d."Id" FROM "WebhookDeliveries" d JOIN "WebhookEndpoints" e ON e."Id" = d."EndpointId"
            WHERE d."State" = @pending AND d."NextAttemptTimestamp" <= @now
              AND (d."LeaseExpiresTimestamp" IS NULL OR d."LeaseExpiresTimestamp" <= @now) AND e."Disabled" = @no
            ORDER BY d."NextAttemptTimestamp"
            LIMIT @limit{(dialect.IsPostgreSql ? " FOR UPDATE OF d SKIP LOCKED" : "")}
            """;
        var claimed = await WriteGate.RunAsync(db, async () =>
        {
            var connection = db.Database.GetDbConnection();
            if (connection.State != System.Data.ConnectionState.Open) await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = $"""
                UPDATE "WebhookDeliveries" SET "LeaseOwner" = @owner, "LeaseExpiresTimestamp" = @expires
                WHERE "Id" IN ({due})
                  AND "State" = @pending AND ("LeaseExpiresTimestamp" IS NULL OR "LeaseExpiresTimestamp" <= @now)
                """;
            command.AddParameter("@owner", owner);
            command.AddParameter("@expires", (now + lease).ToUnixTimeMilliseconds());
            command.AddParameter("@pending", Pending);
            command.AddParameter("@now", now.ToUnixTimeMilliseconds());
            command.AddParameter("@no", false);
            command.AddParameter("@limit", limit);
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);
        if (claimed == 0) return [];

        var deliveries = await db.WebhookDeliveries.AsNoTracking()
            .Where(d => d.LeaseOwner == owner && d.State == WebhookDeliveryState.Pending)
            .ToListAsync(cancellationToken);
        var endpointIds = deliveries.Select(d => d.EndpointId).Distinct().ToList();
        var endpoints = await db.WebhookEndpoints.AsNoTracking().Where(e => endpointIds.Contains(e.Id)).ToDictionaryAsync(e => e.Id, cancellationToken);
        return deliveries.Where(d => endpoints.ContainsKey(d.EndpointId)).Select(d => (d, endpoints[d.EndpointId])).ToList();
    }

}
