using TasksConsole.Core.Common;

namespace TasksConsole.Core.Tasks;

/// <summary>A planned invocation of a function: one row per attempt (a retry is a new row linked to the chain).</summary>
/// <remarks>
/// Every task row is made by <see cref="New"/>, directly or through <see cref="RetryOf"/> and <see cref="CopyOf"/>,
/// so a property a caller sets is added in one place, and the factories' tests say whether a retry and a copy keep it.
/// </remarks>
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

    /// <summary>The task this one re-runs: an operator asked for its call again (see <see cref="RerunOf"/>).</summary>
    public string? RerunOfTaskId { get; set; }

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

    /// <summary>
    /// A new task as a caller asked for it, with defaults for what it left out (data <c>{}</c>, priority 0, start
    /// <paramref name="now"/>). The input is not validated here; <see cref="TaskService.BuildTask"/> does that.
    /// </summary>
    public static TaskRecord New(string id, NewTask input, Caller caller, DateTimeOffset now)
    {
        var task = new TaskRecord
        {
            Id = id,
            FunctionName = input.FunctionName,
            DataJson = input.DataJson ?? "{}",
            Priority = input.Priority ?? 0,
            StartTimestamp = (input.StartTimestamp ?? now).ToStoredPrecision(),
            Status = TaskState.New,
            CreationTimestamp = now,
            UpdateTimestamp = now,
            StatusChangedTimestamp = now,
            CreatedByUserId = caller.UserId,
            CreatedByApplicationId = caller.ApplicationId,
            ScheduleId = input.ScheduleId,
        };
        task.SetTags(input.Tags ?? []);
        return task;
    }

    /// <summary>
    /// The next attempt of <paramref name="failed"/>: the same call on behalf of the same caller and schedule, from
    /// <paramref name="start"/>, remembering every attempt before it. Nothing of the failed run carries over.
    /// </summary>
    public static TaskRecord RetryOf(TaskRecord failed, string id, DateTimeOffset now, DateTimeOffset start)
    {
        var input = new NewTask(failed.FunctionName, failed.DataJson, failed.Priority, start, failed.Tags, failed.ScheduleId);
        var retry = New(id, input, new Caller(failed.CreatedByUserId, failed.CreatedByApplicationId), now);
        retry.RetryForTaskIds = [.. failed.RetryForTaskIds, failed.Id];
        return retry;
    }

    /// <summary>
    /// A fresh task that makes <paramref name="source"/>'s call again (a re-run): see <see cref="NewTask.CopyOf"/> for
    /// what is copied. It is <paramref name="caller"/>'s own task, from <paramref name="start"/> (now when null).
    /// </summary>
    public static TaskRecord CopyOf(TaskRecord source, string id, Caller caller, DateTimeOffset now, DateTimeOffset? start) =>
        New(id, NewTask.CopyOf(source, start), caller, now);

    /// <summary>
    /// A re-run of <paramref name="source"/>: its call again (function, data, tags, plus <paramref name="addTag"/>),
    /// <paramref name="caller"/>'s own task, at <paramref name="priority"/> from <paramref name="start"/>, linked to
    /// the source by <see cref="RerunOfTaskId"/>. It starts a retry chain of its own.
    /// </summary>
    public static TaskRecord RerunOf(
        TaskRecord source, string id, Caller caller, DateTimeOffset now, long priority, DateTimeOffset start, string? addTag)
    {
        var tags = addTag is null ? source.Tags : [.. source.Tags, addTag];
        var rerun = New(id, new NewTask(source.FunctionName, source.DataJson, priority, start, tags), caller, now);
        rerun.RerunOfTaskId = source.Id;
        return rerun;
    }

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
