namespace TasksConsole.Core.Events;

/// <summary>
/// The persisted <c>task_failed</c> event, emitted once when a task reaches <c>failed</c> (never for <c>retried</c>).
/// Content per EXH: <c>{ id, functionName, error: { type, name, message } }</c>.
/// </summary>
public sealed class TaskFailedEventRecord
{
    public required string Id { get; set; }
    public required string TaskId { get; set; }
    public required string FunctionName { get; set; }
    public required string ErrorType { get; set; }
    public string? ErrorName { get; set; }
    public required string ErrorMessage { get; set; }
    public DateTimeOffset CreationTimestamp { get; set; }

    public const string Type = "task_failed";
}
