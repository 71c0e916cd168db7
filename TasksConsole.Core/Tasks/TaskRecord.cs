namespace TasksConsole.Core.Tasks;

/// <summary>A planned invocation of a function: one row per attempt (a retry is a new row linked to the chain).</summary>
public sealed class TaskRecord
{
    public required string Id { get; set; }
    public required string FunctionName { get; set; }

    /// <summary>The caller's JSON object, stored verbatim so it comes back byte-for-byte.</summary>
    public string DataJson { get; set; } = "{}";

    public long Priority { get; set; }
    public DateTimeOffset StartTimestamp { get; set; }
    public TaskState Status { get; set; } = TaskState.New;

    /// <summary>The tags as returned to clients; <see cref="TagIndex"/> holds the same values for indexed filtering.</summary>
    public List<string> Tags { get; set; } = [];
    public List<TaskTag> TagIndex { get; set; } = [];

    public DateTimeOffset CreationTimestamp { get; set; }
    public DateTimeOffset UpdateTimestamp { get; set; }
    public DateTimeOffset StatusChangedTimestamp { get; set; }

    public string? CreatedByUserId { get; set; }
    public string? CreatedByApplicationId { get; set; }
    public string? ScheduleId { get; set; }

    /// <summary>Every earlier attempt of this task's retry chain, oldest first.</summary>
    public List<string> RetryForTaskIds { get; set; } = [];
    public string? RetriedByTaskId { get; set; }

    public string? ErrorType { get; set; }
    public string? ErrorName { get; set; }
    public string? ErrorMessage { get; set; }

    /// <summary>The function's result on completion (EXH does not return it from the list; the console shows it).</summary>
    public string? ResultJson { get; set; }

    /// <summary>When an invocation was sent and when its outcome was recorded.</summary>
    public DateTimeOffset? ExecutionStartTimestamp { get; set; }
    public DateTimeOffset? ExecutionEndTimestamp { get; set; }

    /// <summary>The node that claimed the task for execution, and when; cleared when a dead node's claim is released.</summary>
    public string? ClaimedBy { get; set; }
    public DateTimeOffset? ClaimedTimestamp { get; set; }

    public void SetTags(IEnumerable<string> tags)
    {
        Tags = tags.Distinct(StringComparer.Ordinal).ToList();
        TagIndex = Tags
            .Select(tag => new TaskTag { TaskId = Id, Tag = tag, Status = Status, Priority = Priority, StartTimestamp = StartTimestamp })
            .ToList();
    }

    public void SetError(string type, string? name, string message)
    {
        ErrorType = type;
        ErrorName = name;
        ErrorMessage = message;
    }
}

/// <summary>
/// One tag of one task: the index behind tag filters (a join beats scanning JSON by 10-50x). It repeats the
/// task's status and queue position so that "tag + status in queue order" pages and counts are answered from
/// this table's index alone; priority and start never change after creation, and a database trigger keeps
/// <see cref="Status"/> in step with the task.
/// </summary>
public sealed class TaskTag
{
    public required string TaskId { get; set; }
    public required string Tag { get; set; }
    public TaskState Status { get; set; }
    public long Priority { get; set; }
    public DateTimeOffset StartTimestamp { get; set; }
}

/// <summary>A line of a task's execution log (the Lambda log tail), in the order it was written.</summary>
public sealed class TaskLogLine
{
    public long Id { get; set; }
    public required string TaskId { get; set; }
    public DateTimeOffset Timestamp { get; set; }
    public required string Message { get; set; }
}

public static class TaskErrorTypes
{
    public const string Runtime = "runtime";
    public const string Invocation = "invocation";
}
