using System.Text.Json;
using TasksConsole.Core.Tasks;
using TasksConsole.Web.Api;

namespace TasksConsole.Web.Tasks;

/// <summary>The body of <c>POST /tasks/v1/</c>: EXH <c>TaskCreation</c>. Only <c>functionName</c> is required.</summary>
public sealed record CreateTaskRequest : IJsonRequest<CreateTaskRequest>
{
    public required string FunctionName { get; init; }
    public JsonElement? Data { get; init; }
    public long? Priority { get; init; }
    public DateTimeOffset? StartTimestamp { get; init; }
    public IReadOnlyList<string>? Tags { get; init; }

    public static CreateTaskRequest Read(JsonElement body) => new()
    {
        FunctionName = JsonBody.RequiredString(body, "functionName", maxLength: 1024),
        Data = JsonBody.OptionalObject(body, "data"),
        Priority = JsonBody.OptionalInteger(body, "priority"),
        StartTimestamp = JsonBody.OptionalInstant(body, "startTimestamp"),
        Tags = JsonBody.OptionalStringArray(body, "tags", TaskLimits.MaxTags, TaskLimits.MaxTagLength),
    };

    public NewTask ToNewTask() => new(FunctionName, Data?.GetRawText(), Priority, StartTimestamp, Tags);
}

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
    TaskErrorResponse? Error,
    string? RerunOfTaskId)
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
        task.ErrorType is null ? null : new TaskErrorResponse(task.ErrorType, task.ErrorName, task.ErrorMessage ?? ""),
        task.RerunOfTaskId);
}

public sealed record TaskErrorResponse(string Type, string? Name, string Message);

public sealed record LogLineResponse(string Message, DateTimeOffset Timestamp);

public sealed record LogLinesResponse(IReadOnlyList<LogLineResponse> Data);
