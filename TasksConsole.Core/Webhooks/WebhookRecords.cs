namespace TasksConsole.Core.Webhooks;

/// <summary>A registered receiver of outbound events, with its own signing secret.</summary>
public sealed class WebhookEndpointRecord
{
    public required string Id { get; set; }
    public required string Url { get; set; }
    public string Description { get; set; } = "";

    /// <summary>The subscribed event types, comma-separated (see <see cref="WebhookEventTypes"/>).</summary>
    public required string EventTypes { get; set; }

    /// <summary>Comma-separated function names whose events are sent; null sends every function's.</summary>
    public string? FunctionNames { get; set; }

    /// <summary>The Standard Webhooks secret, <c>whsec_</c> and base64; shown to the admin once, when set.</summary>
    public required string Secret { get; set; }

    public bool Disabled { get; set; }

    /// <summary>Why the endpoint was disabled: by an admin, or after too many failed attempts in a row.</summary>
    public string? DisabledReason { get; set; }

    public DateTimeOffset? DisabledTimestamp { get; set; }

    /// <summary>Failed attempts since the last success, over all its deliveries.</summary>
    public int ConsecutiveFailures { get; set; }

    public DateTimeOffset CreationTimestamp { get; set; }
    public DateTimeOffset UpdateTimestamp { get; set; }

    public IReadOnlyList<string> EventTypeList => Split(EventTypes) ?? [];
    public IReadOnlyList<string>? FunctionNameList => Split(FunctionNames);

    /// <summary>Whether an event of <paramref name="eventType"/> for <paramref name="functionName"/> goes to this endpoint.</summary>
    public bool Wants(string eventType, string functionName) =>
        EventTypeList.Contains(eventType) && (FunctionNameList is not { } names || names.Contains(functionName));

    internal static string? Join(IEnumerable<string>? values) => values is null ? null : string.Join(',', values);

    private static List<string>? Split(string? value) =>
        value is null ? null : value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}

/// <summary>
/// One event for one endpoint: the outbox row. It is inserted in the transaction that caused the event and lives on
/// as the delivery's record (its id is the <c>webhook-id</c>, the same on every attempt so receivers de-duplicate).
/// </summary>
public sealed class WebhookDeliveryRecord
{
    public required string Id { get; set; }
    public required string EndpointId { get; set; }
    public required string EventType { get; set; }

    /// <summary>The body sent: the EXH event <c>{type, content}</c>.</summary>
    public required string PayloadJson { get; set; }

    public WebhookDeliveryState State { get; set; } = WebhookDeliveryState.Pending;

    /// <summary>Attempts made in the current schedule (a redelivery starts a new one).</summary>
    public int Attempts { get; set; }

    /// <summary>When the next attempt is due, while <see cref="State"/> is pending.</summary>
    public DateTimeOffset NextAttemptTimestamp { get; set; }

    /// <summary>The sender holding this delivery, until <see cref="LeaseExpiresTimestamp"/>; null when none does.</summary>
    public string? LeaseOwner { get; set; }

    public DateTimeOffset? LeaseExpiresTimestamp { get; set; }

    public DateTimeOffset? LastAttemptTimestamp { get; set; }
    public int? LastResponseStatus { get; set; }
    public int? LastLatencyMilliseconds { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset? DeliveredTimestamp { get; set; }
    public DateTimeOffset CreationTimestamp { get; set; }
}

public enum WebhookDeliveryState
{
    Pending,
    Succeeded,

    /// <summary>Every attempt of the schedule failed; only a redelivery sends it again.</summary>
    Failed,
}

public static class WebhookEventTypes
{
    /// <summary>A task reached <c>failed</c>: the EXH event, content <c>{id, functionName, error}</c>.</summary>
    public const string TaskFailed = "task_failed";

    /// <summary>An execution recorded a task's new status (complete, retried or failed).</summary>
    public const string TaskStatusChanged = "task_status_changed";

    /// <summary>Sent by the "send test event" action only; endpoints do not subscribe to it.</summary>
    public const string Test = "webhook_test";

    public static readonly IReadOnlyList<string> Subscribable = [TaskFailed, TaskStatusChanged];
}
