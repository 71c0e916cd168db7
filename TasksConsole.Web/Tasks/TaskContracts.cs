using TasksConsole.Core.Tasks;
using TasksConsole.Web.Api;

namespace TasksConsole.Web.Tasks;

/// <summary>A task as the EXH API returns it; absent optional fields are omitted from the JSON.</summary>
public sealed record TaskResponse(
    string Id,
    string FunctionName,
    RawJson Data,
    long Priority,
    DateTimeOffset StartTimestamp,
    string Status,
    DateTimeOffset StatusChangedTimestamp,
    IReadOnlyList<string> Tags,
    DateTimeOffset CreationTimestamp,
    DateTimeOffset UpdateTimestamp,
    string? CreatedByUserId,
    string? CreatedByApplicationId,
    string? RetriedByTaskId,
    IReadOnlyList<string>? RetryForTaskIds,
    TaskErrorResponse? Error)
{
    public static TaskResponse From(TaskRecord task) => new(
        task.Id,
        task.FunctionName,
        new RawJson(task.DataJson),
        task.Priority,
        task.StartTimestamp,
        task.Status.ToWire(),
        task.StatusChangedTimestamp,
        task.Tags,
        task.CreationTimestamp,
        task.UpdateTimestamp,
        task.CreatedByUserId,
        task.CreatedByApplicationId,
        task.RetriedByTaskId,
        task.RetryForTaskIds.Count > 0 ? task.RetryForTaskIds : null,
        task.ErrorType is null ? null : new TaskErrorResponse(task.ErrorType, task.ErrorName, task.ErrorMessage ?? ""));
}

public sealed record TaskErrorResponse(string Type, string? Name, string Message);

public sealed record LogLineResponse(string Message, DateTimeOffset Timestamp);

public sealed record LogLinesResponse(IReadOnlyList<LogLineResponse> Data);
