using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using TasksConsole.Core.Common;
using TasksConsole.Core.Data;
using TasksConsole.Core.Events;
using TasksConsole.Core.Tasks;

namespace TasksConsole.Core.Webhooks;

/// <summary>
/// Turns events into delivery rows inside the caller's unit of work, so they commit (or roll back) with the change
/// that caused them: a crash after the commit loses no delivery, and a rolled-back change sends none.
/// </summary>
public sealed class WebhookOutbox(WebhookWakeSignal wake, TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The endpoints that take new events (disabled ones do not), read once per unit of work.</summary>
    public static async Task<IReadOnlyList<WebhookEndpointRecord>> ActiveEndpointsAsync(TasksDbContext db, CancellationToken cancellationToken = default) =>
        await db.WebhookEndpoints.AsNoTracking().Where(e => !e.Disabled).ToListAsync(cancellationToken);

    /// <summary>Adds a task_failed delivery for every endpoint that wants it; returns how many.</summary>
    public int AddTaskFailed(TasksDbContext db, IReadOnlyList<WebhookEndpointRecord> endpoints, TaskFailedEventRecord failure) =>
        Add(db, endpoints, WebhookEventTypes.TaskFailed, failure.FunctionName, failure.CreationTimestamp, () => TaskFailedPayload(failure));

    /// <summary>Adds a task_status_changed delivery for every endpoint that wants it; returns how many.</summary>
    public int AddStatusChanged(TasksDbContext db, IReadOnlyList<WebhookEndpointRecord> endpoints, TaskRecord task) =>
        Add(db, endpoints, WebhookEventTypes.TaskStatusChanged, task.FunctionName, task.StatusChangedTimestamp, () => JsonSerializer.Serialize(new
        {
            type = WebhookEventTypes.TaskStatusChanged,
            content = new
            {
                id = task.Id,
                functionName = task.FunctionName,
                status = task.Status.ToWire(),
                statusChangedTimestamp = task.StatusChangedTimestamp,
            },
        }, Json));

    /// <summary>The EXH event body: <c>{type: "task_failed", content: {id, functionName, error: {type, name, message}}}</c>.</summary>
    public static string TaskFailedPayload(TaskFailedEventRecord failure) => JsonSerializer.Serialize(new
    {
        type = WebhookEventTypes.TaskFailed,
        content = new
        {
            id = failure.TaskId,
            functionName = failure.FunctionName,
            error = new { type = failure.ErrorType, name = failure.ErrorName, message = failure.ErrorMessage },
        },
    }, Json);

    public static string TestPayload(WebhookEndpointRecord endpoint, DateTimeOffset now) => JsonSerializer.Serialize(new
    {
        type = WebhookEventTypes.Test,
        content = new { endpointId = endpoint.Id, message = "A test event sent from the TasksConsole Webhooks page.", timestamp = now },
    }, Json);

    /// <summary>Tells this node's sender that deliveries were committed; call it after the commit.</summary>
    public void Wake() => wake.Wake();

    /// <summary>A delivery due at once; <paramref name="at"/> is the time of the change that caused it.</summary>
    public WebhookDeliveryRecord NewDelivery(string endpointId, string eventType, string payload, DateTimeOffset? at = null)
    {
        var now = at ?? clock.GetStoredNow();
        return new WebhookDeliveryRecord
        {
            Id = ObjectId.NewId(clock),
            EndpointId = endpointId,
            EventType = eventType,
            PayloadJson = payload,
            NextAttemptTimestamp = now,
            CreationTimestamp = now,
        };
    }

    private int Add(
        TasksDbContext db, IReadOnlyList<WebhookEndpointRecord> endpoints, string eventType, string functionName, DateTimeOffset at, Func<string> payload)
    {
        string? body = null;
        var added = 0;
        foreach (var endpoint in endpoints)
        {
            if (!endpoint.Wants(eventType, functionName)) continue;
            body ??= payload();
            db.WebhookDeliveries.Add(NewDelivery(endpoint.Id, eventType, body, at));
            added++;
        }
        return added;
    }
}

/// <summary>Wakes this node's sender as soon as deliveries are committed, instead of at its next poll.</summary>
public sealed class WebhookWakeSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Wake()
    {
        if (_signal.CurrentCount != 0) return;
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Another caller woke it first; one pending wake-up is enough.
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);
}
