namespace TasksConsole.Core.Tasks.Reruns;

public enum RerunJobState
{
    Running,
    Complete,
    Stopped,
    Failed,
}

/// <summary>
/// A re-run by filter started through the API: what it selects, its options and its progress, in the store so that
/// any node can report it and pass on a request to stop.
/// </summary>
public sealed class RerunJobRecord
{
    public required string Id { get; set; }

    /// <summary>The caller's filter in canonical RQL; the job adds the re-runnable statuses to it.</summary>
    public string Filter { get; set; } = "";

    public bool KeepPriority { get; set; }
    public bool KeepStartTimestamp { get; set; }
    public string? AddTag { get; set; }

    public RerunJobState State { get; set; }

    /// <summary>How many tasks matched when the job started, and how many copies it has made so far.</summary>
    public long Total { get; set; }
    public long Created { get; set; }

    /// <summary>How many of the matching tasks were failed as <c>zombieTaskCleaned</c>: their function may already have run.</summary>
    public long Zombies { get; set; }

    public bool StopRequested { get; set; }
    public string? Error { get; set; }

    public string? CreatedByUserId { get; set; }
    public string? CreatedByApplicationId { get; set; }
    public DateTimeOffset CreationTimestamp { get; set; }
    public DateTimeOffset UpdateTimestamp { get; set; }
    public DateTimeOffset? FinishedTimestamp { get; set; }
}
