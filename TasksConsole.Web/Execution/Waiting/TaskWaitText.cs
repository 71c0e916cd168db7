using TasksConsole.Core.Execution.Waiting;
using TasksConsole.Web.Components.Shared;

namespace TasksConsole.Web.Execution.Waiting;

/// <summary>An explanation of a waiting task in sentences, the same on the task page and in the API's answer.</summary>
public static class TaskWaitText
{
    public static IReadOnlyList<string> Sentences(TaskWait wait, string functionName) =>
        wait.Reasons.Select(reason => Sentence(wait, reason, functionName)).ToList();

    private static string Sentence(TaskWait wait, TaskWaitReason reason, string functionName) => reason switch
    {
        TaskWaitReason.StartsLater =>
            $"It waits for its start time, {TimeText.Absolute(wait.StartTimestamp)} ({TimeText.Relative(wait.StartTimestamp, wait.AsOf)}).",
        TaskWaitReason.NoDispatcher =>
            "No live node dispatches tasks: every node runs with dispatching turned off, or none has sent a heartbeat recently.",
        TaskWaitReason.Paused when wait.Pause is { IsServiceWide: true } pause =>
            $"Dispatch is paused for every function by {Who(pause.PausedBy)}: {pause.Reason}{Until(pause.ResumeTimestamp, wait.AsOf)}",
        TaskWaitReason.Paused when wait.Pause is { } pause =>
            $"Its function {functionName} is paused by {Who(pause.PausedBy)}: {pause.Reason}{Until(pause.ResumeTimestamp, wait.AsOf)}",
        TaskWaitReason.FunctionDisabled =>
            $"Its function {functionName} is disabled: its tasks wait until it is enabled again.",
        TaskWaitReason.ConcurrencyLimit =>
            $"Its function {functionName} is at its concurrency limit: {wait.RunningOfFunction:N0} running of {wait.ConcurrencyLimit:N0} allowed.",
        TaskWaitReason.Claimed =>
            $"A node claimed it {(wait.ClaimedTimestamp is { } at ? TimeText.Relative(at, wait.AsOf) : "just now")}: it starts when a worker takes the job.",
        TaskWaitReason.QueuedBehind =>
            $"{(wait.AheadInQueueCapped ? "More than " : "")}{wait.AheadInQueue:N0} due {(wait.AheadInQueue == 1 && !wait.AheadInQueueCapped ? "task goes" : "tasks go")} " +
            "first (a higher priority, or the same priority and an earlier start).",
        TaskWaitReason.Due => "Nothing holds it: it is due and should start within a moment.",
        _ => reason.ToString(),
    };

    private static string Who(string? pausedBy) => pausedBy ?? "an API client";

    private static string Until(DateTimeOffset? resume, DateTimeOffset now) =>
        resume is { } at ? $". It resumes by itself {TimeText.Relative(at, now)}." : ". It lasts until someone resumes it.";
}
