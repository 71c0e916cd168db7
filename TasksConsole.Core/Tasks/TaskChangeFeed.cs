using TasksConsole.Core.Events;

namespace TasksConsole.Core.Tasks;

public enum TaskChangeKind
{
    Created,
    StatusChanged,
}

/// <summary>
/// One committed change of one task, as the console and hub clients see it. <see cref="Failure"/> is set when the
/// change is a final failure: the task_failed event that was persisted with it. <see cref="StartTimestamp"/> is set
/// on creations, so that the dispatcher is woken only for a task due before it would look anyway.
/// </summary>
/// <remarks>Made only by the named constructors below, so that a new column is filled in one place.</remarks>
public sealed record TaskChange
{
    private TaskChange(TaskChangeKind kind, string taskId, string functionName, TaskState status, IReadOnlyList<string> tags, DateTimeOffset timestamp)
    {
        Kind = kind;
        TaskId = taskId;
        FunctionName = functionName;
        Status = status;
        Tags = tags;
        Timestamp = timestamp;
    }

    public TaskChangeKind Kind { get; }
    public string TaskId { get; }
    public string FunctionName { get; }
    public TaskState Status { get; }
    public IReadOnlyList<string> Tags { get; }
    public DateTimeOffset Timestamp { get; }

    public TaskFailedEventRecord? Failure { get; private init; }

    public DateTimeOffset? StartTimestamp { get; private init; }

    /// <summary>A task was inserted (in whatever status it starts in).</summary>
    public static TaskChange Created(TaskRecord task, DateTimeOffset at) =>
        new(TaskChangeKind.Created, task.Id, task.FunctionName, task.Status, task.Tags, at) { StartTimestamp = task.StartTimestamp };

    /// <summary>A task moved to the status it now holds.</summary>
    public static TaskChange StatusChanged(TaskRecord task, DateTimeOffset at) =>
        new(TaskChangeKind.StatusChanged, task.Id, task.FunctionName, task.Status, task.Tags, at);

    /// <summary>A task failed for good, and <paramref name="failure"/> was persisted with it.</summary>
    public static TaskChange Failed(TaskRecord task, TaskFailedEventRecord failure, DateTimeOffset at) =>
        new(TaskChangeKind.StatusChanged, task.Id, task.FunctionName, TaskState.Failed, task.Tags, at) { Failure = failure };

    /// <summary>A task was canceled by an UPDATE that did not load it: the caller read back the columns a change carries.</summary>
    public static TaskChange Canceled(string taskId, string functionName, IReadOnlyList<string> tags, DateTimeOffset at) =>
        new(TaskChangeKind.StatusChanged, taskId, functionName, TaskState.Canceled, tags, at);

    /// <summary>
    /// A change made on another node, as it was sent (<see cref="CrossNode.ChangePayload"/>), or as the store shows
    /// it after a lost connection: every column given, the failure only with a final failure.
    /// </summary>
    public static TaskChange FromOtherNode(
        TaskChangeKind kind, string taskId, string functionName, TaskState status, IReadOnlyList<string> tags, DateTimeOffset at,
        DateTimeOffset? startTimestamp, TaskFailedEventRecord? failure) =>
        new(kind, taskId, functionName, status, tags, at) { StartTimestamp = startTimestamp, Failure = failure };
}

/// <summary>
/// The single stream every task change goes through after it is committed. Consumers (console circuits, the
/// SignalR hub relay) subscribe in-process; publishing never blocks on a slow consumer.
/// </summary>
public interface ITaskChangeFeed
{
    void Publish(TaskChange change);

    void Publish(IReadOnlyList<TaskChange> changes)
    {
        foreach (var change in changes) Publish(change);
    }

    /// <summary>Subscribes to every change published from now on; dispose the result to unsubscribe.</summary>
    IDisposable Subscribe(Action<TaskChange> handler);
}

/// <summary>In-process feed: handlers run on the publisher's thread and must hand off quickly.</summary>
public sealed class TaskChangeFeed : ITaskChangeFeed
{
    private readonly Lock _gate = new();
    private Action<TaskChange>[] _handlers = [];

    public void Publish(TaskChange change)
    {
        foreach (var handler in Volatile.Read(ref _handlers))
        {
            try
            {
                handler(change);
            }
            catch
            {
                // A failing subscriber must not break the writer that published, nor the other subscribers.
            }
        }
    }

    public IDisposable Subscribe(Action<TaskChange> handler)
    {
        lock (_gate) _handlers = [.. _handlers, handler];
        return new Subscription(this, handler);
    }

    private void Unsubscribe(Action<TaskChange> handler)
    {
        lock (_gate) _handlers = _handlers.Where(h => h != handler).ToArray();
    }

    private sealed class Subscription(TaskChangeFeed feed, Action<TaskChange> handler) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) feed.Unsubscribe(handler);
        }
    }
}
