namespace TasksConsole.Core.Webhooks;

/// <summary>Configuration section <c>Webhooks</c>: outbound event delivery.</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>
    /// Lets endpoints point at loopback, link-local and private addresses. Off by default: an admin's URL must not
    /// reach the node's own services or the cloud metadata endpoint. Turn it on for a receiver on your own network.
    /// </summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>How long one attempt may take, connecting included; a slower receiver counts as failed.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The wait before each retry (the first attempt is immediate). The default is the Standard Webhooks schedule:
    /// 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, about 28 hours in all. Each wait is varied by +/- <see cref="Jitter"/>.
    /// </summary>
    /// <remarks>Empty by default, meaning <see cref="DefaultRetryDelays"/>: configuration binding appends to an array it finds.</remarks>
    public TimeSpan[] RetryDelays { get; set; } = [];

    public static readonly IReadOnlyList<TimeSpan> DefaultRetryDelays =
    [
        TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2),
        TimeSpan.FromHours(5), TimeSpan.FromHours(10), TimeSpan.FromHours(10),
    ];

    /// <summary>The retry schedule in force: <see cref="RetryDelays"/>, or the default when none is configured.</summary>
    public IReadOnlyList<TimeSpan> Schedule => RetryDelays.Length > 0 ? RetryDelays : DefaultRetryDelays;

    /// <summary>The fraction by which each retry delay is varied at random, so failed receivers are not hit in waves.</summary>
    public double Jitter { get; set; } = 0.2;

    /// <summary>An endpoint is disabled after this many failed attempts in a row (over all its deliveries).</summary>
    public int DisableAfterFailures { get; set; } = 50;

    /// <summary>Whether this node sends deliveries. Every node may: leases keep two from sending one delivery.</summary>
    public bool SenderEnabled { get; set; } = true;

    /// <summary>How often the sender looks for due deliveries when nothing wakes it (other nodes' events, retries).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Deliveries claimed at once, and sent concurrently.</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>Deliveries listed per page by the admin API and the console.</summary>
    public const int MaxPageSize = 100;

    /// <summary>How long a claim holds a delivery: past it (a node died mid-send) another node sends it again.</summary>
    public TimeSpan LeaseDuration => Timeout * 2 + TimeSpan.FromSeconds(10);
}
