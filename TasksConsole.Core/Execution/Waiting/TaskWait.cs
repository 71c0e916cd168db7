using TasksConsole.Core.Execution.Pauses;

namespace TasksConsole.Core.Execution.Waiting;

/// <summary>Why a <c>new</c> task is not running, most decisive first.</summary>
public enum TaskWaitReason
{
    /// <summary>Its start time has not come.</summary>
    StartsLater,

    /// <summary>No live node dispatches: nothing claims tasks at all.</summary>
    NoDispatcher,

    /// <summary>Dispatch is paused for the service or for its function.</summary>
    Paused,

    /// <summary>Its function is disabled.</summary>
    FunctionDisabled,

    /// <summary>Its function runs as many tasks as its concurrency limit allows.</summary>
    ConcurrencyLimit,

    /// <summary>A node has claimed it: it starts as soon as a worker takes the job.</summary>
    Claimed,

    /// <summary>Other due tasks go first (higher priority, or the same priority and an earlier start).</summary>
    QueuedBehind,

    /// <summary>Nothing holds it: it should start within a dispatch round.</summary>
    Due,
}

/// <summary>
/// Everything that keeps one <c>new</c> task from running, as of <see cref="AsOf"/>. <see cref="Reasons"/> lists
/// every reason that holds, most decisive first; the figures behind them are in the other properties.
/// </summary>
public sealed record TaskWait(
    string TaskId,
    DateTimeOffset AsOf,
    IReadOnlyList<TaskWaitReason> Reasons,
    DateTimeOffset StartTimestamp,
    DispatchPauseRecord? Pause,
    int? ConcurrencyLimit,
    long RunningOfFunction,
    long AheadInQueue,
    bool AheadInQueueCapped,
    string? ClaimedBy,
    DateTimeOffset? ClaimedTimestamp,
    int DispatchingNodes);
