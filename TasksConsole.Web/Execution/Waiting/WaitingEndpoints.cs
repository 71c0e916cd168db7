using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Common;
using TasksConsole.Core.Execution.Waiting;
using TasksConsole.Core.Tasks;
using TasksConsole.Web.Auth;
using TasksConsole.Web.Execution.Pauses;

namespace TasksConsole.Web.Execution.Waiting;

/// <summary>
/// "Why is it waiting?" and "what is stuck?" over REST (beyond EXH): the same explanations the console shows on a new
/// task's page and on the stuck tasks page.
/// </summary>
public static class WaitingEndpoints
{
    public static WebApplication MapWaitingEndpoints(this WebApplication app)
    {
        var tasks = app.MapGroup("/tasks/v1").WithTags("Tasks");
        tasks.MapGet("/{taskId}/waiting", ExplainAsync)
            .RequirePermission(Permissions.ViewTasks)
            .WithSummary("Why a new task is not running (beyond EXH)")
            .WithDescription("Every reason that holds, most decisive first: `startsLater`, `noDispatcher`, `paused`, `functionDisabled`, " +
                             "`concurrencyLimit`, `claimed`, `queuedBehind`, or `due` when nothing holds it; `explanation` says each in a sentence. " +
                             "A task that is not new answers 400 (code 27).");
        tasks.MapGet("/stuck", ListStuckAsync)
            .RequirePermission(Permissions.ViewTasks)
            .WithSummary("Tasks in progress longer than their function's time limit or its usual p95 (beyond EXH)")
            .WithDescription("`threshold` is `timeLimit` or `usualP95` (the p95 of the function's executions over the last 24 h, " +
                             $"with at least {StuckTasks.MinSamplesForP95} of them); the longest-running first.");
        return app;
    }

    private static async Task<Ok<TaskWaitResponse>> ExplainAsync(
        string taskId, TaskWaitExplainer explainer, TaskService tasks, CancellationToken cancellationToken)
    {
        if (!ObjectId.IsValid(taskId)) throw new ServiceException(ErrorCode.IdFormat, $"{taskId} is not a task id.");
        var task = await tasks.FindByIdAsync(taskId, cancellationToken)
            ?? throw new ServiceException(ErrorCode.ResourceUnknown, $"No task with id {taskId}.");
        var wait = await explainer.ExplainAsync(taskId, cancellationToken)
            ?? throw new ServiceException(ErrorCode.IllegalState, $"Task {taskId} is {task.Status.ToWire()}: only a new task waits.");
        return TypedResults.Ok(TaskWaitResponse.From(wait, task.FunctionName));
    }

    private static async Task<Ok<StuckTaskListResponse>> ListStuckAsync(StuckTasks stuck, CancellationToken cancellationToken) =>
        TypedResults.Ok(new StuckTaskListResponse((await stuck.ListAsync(cancellationToken)).Select(StuckTaskResponse.From).ToList()));
}

public sealed record TaskWaitResponse(
    string TaskId,
    DateTimeOffset AsOf,
    IReadOnlyList<string> Reasons,
    IReadOnlyList<string> Explanation,
    DateTimeOffset StartTimestamp,
    PauseResponse? Pause,
    int? ConcurrencyLimit,
    long RunningOfFunction,
    long AheadInQueue,
    bool AheadInQueueCapped,
    string? ClaimedBy,
    DateTimeOffset? ClaimedTimestamp,
    int DispatchingNodes)
{
    public static TaskWaitResponse From(TaskWait wait, string functionName) => new(
        wait.TaskId, wait.AsOf, wait.Reasons.Select(r => JsonNamingPolicy.CamelCase.ConvertName(r.ToString())).ToList(), TaskWaitText.Sentences(wait, functionName),
        wait.StartTimestamp, wait.Pause is { } pause ? PauseResponse.From(pause) : null, wait.ConcurrencyLimit, wait.RunningOfFunction,
        wait.AheadInQueue, wait.AheadInQueueCapped, wait.ClaimedBy, wait.ClaimedTimestamp, wait.DispatchingNodes);
}

public sealed record StuckTaskResponse(
    string Id, string FunctionName, DateTimeOffset ExecutionStartTimestamp, double RunningSeconds, string Threshold, double BoundSeconds, string? ClaimedBy)
{
    public static StuckTaskResponse From(StuckTask task) => new(
        task.Id, task.FunctionName, task.ExecutionStartTimestamp, Math.Round(task.Running.TotalSeconds, 1),
        JsonNamingPolicy.CamelCase.ConvertName(task.Threshold.ToString()), task.Bound.TotalSeconds, task.ClaimedBy);
}

public sealed record StuckTaskListResponse(IReadOnlyList<StuckTaskResponse> Data);
