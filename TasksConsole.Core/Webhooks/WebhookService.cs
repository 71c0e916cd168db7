using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using TasksConsole.Core.Common;
using TasksConsole.Core.Data;
using TasksConsole.Core.Audit;

namespace TasksConsole.Core.Webhooks;

/// <summary>What an admin sets on an endpoint; null fields of an update are left as they are.</summary>
public sealed record WebhookEndpointSpec(
    string? Url, string? Description, IReadOnlyList<string>? EventTypes, IReadOnlyList<string>? FunctionNames, bool? Disabled,
    bool ClearFunctionNames = false);

/// <summary>A created endpoint and its secret: the one time the secret is handed out, besides a rotation.</summary>
public sealed record CreatedWebhookEndpoint(WebhookEndpointRecord Endpoint, string Secret);

public sealed record WebhookDeliveryPage(IReadOnlyList<WebhookDeliveryRecord> Deliveries, long Total, int Offset, int Limit);

/// <summary>Endpoints and their deliveries, for the admin API and the console's Webhooks page.</summary>
public sealed class WebhookService(
    IDbContextFactory<TasksDbContext> dbFactory, WebhookAddressGuard guard, WebhookOutbox outbox, TimeProvider clock, AuditTrail? audit = null)
{
    public const int MaxDescriptionLength = 500;
    public const int MaxFunctionNames = 100;
    public const int MaxFunctionNameLength = 128;
    public const string SecretPrefix = "whsec_";

    public async Task<IReadOnlyList<WebhookEndpointRecord>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.WebhookEndpoints.AsNoTracking().OrderBy(e => e.CreationTimestamp).ThenBy(e => e.Id).ToListAsync(cancellationToken);
    }

    public async Task<WebhookEndpointRecord> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        CheckId(id, "endpoint");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.WebhookEndpoints.AsNoTracking().FirstOrDefaultAsync(e => e.Id == id, cancellationToken)
               ?? throw new ServiceException(ErrorCode.ResourceUnknown, $"No webhook endpoint has id {id}.");
    }

    public async Task<CreatedWebhookEndpoint> CreateAsync(WebhookEndpointSpec spec, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(spec.Url)) throw new ServiceException(ErrorCode.MissingRequiredFields, "Field 'url' is required.");
        var uri = await guard.CheckUrlAsync(spec.Url.Trim(), cancellationToken);
        var now = clock.GetStoredNow();
        var endpoint = new WebhookEndpointRecord
        {
            Id = ObjectId.NewId(clock),
            Url = uri.AbsoluteUri,
            Description = CheckedDescription(spec.Description) ?? "",
            EventTypes = WebhookEndpointRecord.Join(CheckedEventTypes(spec.EventTypes ?? [WebhookEventTypes.TaskFailed]))!,
            FunctionNames = WebhookEndpointRecord.Join(CheckedFunctionNames(spec.FunctionNames)),
            Secret = NewSecret(),
            Disabled = spec.Disabled ?? false,
            DisabledReason = spec.Disabled == true ? "Disabled by an admin." : null,
            DisabledTimestamp = spec.Disabled == true ? now : null,
            CreationTimestamp = now,
            UpdateTimestamp = now,
        };
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.WebhookEndpoints.Add(endpoint);
        await WriteGate.RunAsync(db, () => db.SaveChangesAsync(cancellationToken), cancellationToken);
        audit?.Record(AuditActions.WebhookCreate, "webhook", endpoint.Id, $"Added webhook endpoint {endpoint.Url}.");
        return new CreatedWebhookEndpoint(endpoint, endpoint.Secret);
    }

    /// <summary>Changes what is given. Enabling a disabled endpoint clears its failure count and reason.</summary>
    public async Task<WebhookEndpointRecord> UpdateAsync(string id, WebhookEndpointSpec spec, CancellationToken cancellationToken = default)
    {
        CheckId(id, "endpoint");
        var url = spec.Url is null ? null : (await guard.CheckUrlAsync(spec.Url.Trim(), cancellationToken)).AbsoluteUri;
        var description = CheckedDescription(spec.Description);
        var eventTypes = spec.EventTypes is null ? null : CheckedEventTypes(spec.EventTypes);
        var functionNames = CheckedFunctionNames(spec.FunctionNames);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var endpoint = await db.WebhookEndpoints.FirstOrDefaultAsync(e => e.Id == id, cancellationToken)
                       ?? throw new ServiceException(ErrorCode.ResourceUnknown, $"No webhook endpoint has id {id}.");
        var now = clock.GetStoredNow();
        if (url is not null) endpoint.Url = url;
        if (description is not null) endpoint.Description = description;
        if (eventTypes is not null) endpoint.EventTypes = WebhookEndpointRecord.Join(eventTypes)!;
        if (functionNames is not null) endpoint.FunctionNames = WebhookEndpointRecord.Join(functionNames);
        else if (spec.ClearFunctionNames) endpoint.FunctionNames = null;
        if (spec.Disabled is { } disabled && disabled != endpoint.Disabled)
        {
            endpoint.Disabled = disabled;
            endpoint.DisabledReason = disabled ? "Disabled by an admin." : null;
            endpoint.DisabledTimestamp = disabled ? now : null;
            endpoint.ConsecutiveFailures = 0;
        }
        endpoint.UpdateTimestamp = now;
        await WriteGate.RunAsync(db, () => db.SaveChangesAsync(cancellationToken), cancellationToken);
        // Deliveries held back while it was disabled go out now.
        if (spec.Disabled == false) outbox.Wake();
        audit?.Record(AuditActions.WebhookUpdate, "webhook", endpoint.Id, $"Changed webhook endpoint {endpoint.Url}.",
            new { url = spec.Url is not null, description = spec.Description is not null, eventTypes = spec.EventTypes is not null,
                functionNames = spec.FunctionNames is not null || spec.ClearFunctionNames, disabled = spec.Disabled });
        return endpoint;
    }

    /// <summary>Replaces the secret; deliveries signed from now on use the new one.</summary>
    public async Task<CreatedWebhookEndpoint> RotateSecretAsync(string id, CancellationToken cancellationToken = default)
    {
        CheckId(id, "endpoint");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var endpoint = await db.WebhookEndpoints.FirstOrDefaultAsync(e => e.Id == id, cancellationToken)
                       ?? throw new ServiceException(ErrorCode.ResourceUnknown, $"No webhook endpoint has id {id}.");
        endpoint.Secret = NewSecret();
        endpoint.UpdateTimestamp = clock.GetStoredNow();
        await WriteGate.RunAsync(db, () => db.SaveChangesAsync(cancellationToken), cancellationToken);
        audit?.Record(AuditActions.WebhookUpdate, "webhook", endpoint.Id, $"Rotated the secret of webhook endpoint {endpoint.Url}.");
        return new CreatedWebhookEndpoint(endpoint, endpoint.Secret);
    }

    /// <summary>Deletes the endpoint and its deliveries; 0 when there was none.</summary>
    public async Task<int> DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        CheckId(id, "endpoint");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await WriteGate.RunAsync(db, async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await db.WebhookDeliveries.Where(d => d.EndpointId == id).ExecuteDeleteAsync(cancellationToken);
            var deleted = await db.WebhookEndpoints.Where(e => e.Id == id).ExecuteDeleteAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            if (deleted > 0) audit?.Record(AuditActions.WebhookDelete, "webhook", id, $"Deleted webhook endpoint {id}.");
            return deleted;
        }, cancellationToken);
    }

    /// <summary>An endpoint's deliveries, newest first, optionally of one state.</summary>
    public async Task<WebhookDeliveryPage> FindDeliveriesAsync(
        string endpointId, WebhookDeliveryState? state = null, int offset = 0, int limit = 20, CancellationToken cancellationToken = default)
    {
        await GetAsync(endpointId, cancellationToken);
        offset = Math.Max(0, offset);
        limit = Math.Clamp(limit, 1, WebhookOptions.MaxPageSize);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var deliveries = db.WebhookDeliveries.AsNoTracking().Where(d => d.EndpointId == endpointId);
        if (state is { } only) deliveries = deliveries.Where(d => d.State == only);
        var total = await deliveries.LongCountAsync(cancellationToken);
        var page = await deliveries.OrderByDescending(d => d.CreationTimestamp).ThenByDescending(d => d.Id)
            .Skip(offset).Take(limit).ToListAsync(cancellationToken);
        return new WebhookDeliveryPage(page, total, offset, limit);
    }

    /// <summary>Queues a <c>webhook_test</c> event for the endpoint, sent like any other delivery.</summary>
    public async Task<WebhookDeliveryRecord> SendTestAsync(string endpointId, CancellationToken cancellationToken = default)
    {
        var endpoint = await GetAsync(endpointId, cancellationToken);
        if (endpoint.Disabled)
        {
            throw new ServiceException(ErrorCode.IllegalState, "The endpoint is disabled; enable it to send a test event.");
        }
        var delivery = outbox.NewDelivery(endpoint.Id, WebhookEventTypes.Test, WebhookOutbox.TestPayload(endpoint, clock.GetStoredNow()));
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.WebhookDeliveries.Add(delivery);
        await WriteGate.RunAsync(db, () => db.SaveChangesAsync(cancellationToken), cancellationToken);
        outbox.Wake();
        return delivery;
    }

    /// <summary>Sends a delivery again with a new retry schedule, whatever its state; 0 when it is being sent right now.</summary>
    public async Task<int> RedeliverAsync(string endpointId, string deliveryId, CancellationToken cancellationToken = default)
    {
        CheckId(deliveryId, "delivery");
        await GetAsync(endpointId, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await db.WebhookDeliveries.AnyAsync(d => d.Id == deliveryId && d.EndpointId == endpointId, cancellationToken))
        {
            throw new ServiceException(ErrorCode.ResourceUnknown, $"The endpoint has no delivery with id {deliveryId}.");
        }
        return await RequeueAsync(db, db.WebhookDeliveries.Where(d => d.Id == deliveryId && d.EndpointId == endpointId), cancellationToken);
    }

    /// <summary>Sends every given-up delivery of the endpoint again; returns how many.</summary>
    public async Task<int> RedeliverFailedAsync(string endpointId, CancellationToken cancellationToken = default)
    {
        await GetAsync(endpointId, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await RequeueAsync(db,
            db.WebhookDeliveries.Where(d => d.EndpointId == endpointId && d.State == WebhookDeliveryState.Failed), cancellationToken);
    }

    private async Task<int> RequeueAsync(TasksDbContext db, IQueryable<WebhookDeliveryRecord> deliveries, CancellationToken cancellationToken)
    {
        var now = clock.GetStoredNow();
        // A delivery a sender holds right now is left to it; requeuing it would send it twice at once.
        var requeued = await WriteGate.RunAsync(db, () => deliveries
            .Where(d => d.LeaseOwner == null || d.LeaseExpiresTimestamp <= now)
            .ExecuteUpdateAsync(set => set
                .SetProperty(d => d.State, WebhookDeliveryState.Pending)
                .SetProperty(d => d.Attempts, 0)
                .SetProperty(d => d.NextAttemptTimestamp, now)
                .SetProperty(d => d.LeaseOwner, (string?)null)
                .SetProperty(d => d.LeaseExpiresTimestamp, (DateTimeOffset?)null), cancellationToken), cancellationToken);
        if (requeued > 0) outbox.Wake();
        return requeued;
    }

    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private static void CheckId(string id, string what)
    {
        if (!ObjectId.IsValid(id)) throw new ServiceException(ErrorCode.IdFormat, $"The {what} id must be a 24-character hex id.");
    }

    private static string? CheckedDescription(string? description) =>
        description is { Length: > MaxDescriptionLength }
            ? throw new ServiceException(ErrorCode.FieldFormat, $"Field 'description' must be at most {MaxDescriptionLength} characters.")
            : description?.Trim();

    private static IReadOnlyList<string> CheckedEventTypes(IReadOnlyList<string> eventTypes)
    {
        if (eventTypes.Count == 0) throw new ServiceException(ErrorCode.FieldFormat, "Field 'eventTypes' must name at least one event type.");
        foreach (var type in eventTypes)
        {
            if (!WebhookEventTypes.Subscribable.Contains(type))
            {
                throw new ServiceException(ErrorCode.FieldFormat,
                    $"Field 'eventTypes' holds '{type}'; the event types are {string.Join(", ", WebhookEventTypes.Subscribable)}.");
            }
        }
        return eventTypes.Distinct().ToList();
    }

    private static IReadOnlyList<string>? CheckedFunctionNames(IReadOnlyList<string>? names)
    {
        if (names is null) return null;
        if (names.Count > MaxFunctionNames) throw new ServiceException(ErrorCode.FieldFormat, $"Field 'functionNames' may hold at most {MaxFunctionNames} names.");
        var trimmed = names.Select(n => n.Trim()).Where(n => n.Length > 0).Distinct().ToList();
        if (trimmed.Any(n => n.Length > MaxFunctionNameLength || n.Contains(',')))
        {
            throw new ServiceException(ErrorCode.FieldFormat, $"Field 'functionNames' holds a name that is too long or contains a comma.");
        }
        return trimmed.Count == 0 ? null : trimmed;
    }
}
