using Microsoft.EntityFrameworkCore;
using TasksConsole.Core.Data;
using TasksConsole.Core.Execution.Pauses;
using TasksConsole.Core.Functions;
using TasksConsole.Core.Tasks;

namespace TasksConsole.Core.Execution.Waiting;

/// <summary>
/// Answers "why is this task waiting?" for a <c>new</c> task from what the dispatcher itself looks at: its start
/// time, the pauses, its function's state and limit, the live dispatching nodes, its claim, and the due tasks queued
/// ahead of it. Each part is one indexed read; the count of tasks ahead stops at <see cref="AheadCountCap"/>, so a
/// deep backlog costs no more than that.
/// </summary>
public sealed class TaskWaitExplainer(
    IDbContextFactory<TasksDbContext> dbFactory,
    DispatchPauses pauses,
    IFunctionCatalog functions,
    NodeQueries nodes,
    TimeProvider clock)
{
    public const int AheadCountCap = 10_000;

    /// <summary>The explanation, or null when there is no such task or it is not <c>new</c>.</summary>
    public async Task<TaskWait?> ExplainAsync(string taskId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var task = await db.Tasks.AsNoTracking()
            .Where(t => t.Id == taskId && t.Status == TaskState.New)
            .Select(t => new { t.Id, t.FunctionName, t.Priority, t.StartTimestamp, t.ClaimedBy, t.ClaimedTimestamp })
            .SingleOrDefaultAsync(cancellationToken);
        if (task is null) return null;

        var now = clock.GetUtcNow();
        var reasons = new List<TaskWaitReason>();
        var due = task.StartTimestamp <= now;
        if (!due) reasons.Add(TaskWaitReason.StartsLater);

        var dispatching = (await nodes.ListAsync(cancellationToken)).Count(n => n.Dispatches && !n.Dead);
        if (dispatching == 0) reasons.Add(TaskWaitReason.NoDispatcher);

        var pause = (await pauses.CurrentAsync(cancellationToken)).Holding(task.FunctionName);
        if (pause is not null) reasons.Add(TaskWaitReason.Paused);

        var function = await functions.FindAsync(task.FunctionName, cancellationToken);
        if (function is { Enabled: false }) reasons.Add(TaskWaitReason.FunctionDisabled);

        var running = await db.Tasks.LongCountAsync(t => t.FunctionName == task.FunctionName && t.Status == TaskState.InProgress, cancellationToken);
        if (function?.ConcurrencyLimit is { } limit && running >= limit) reasons.Add(TaskWaitReason.ConcurrencyLimit);

        if (task.ClaimedBy is not null) reasons.Add(TaskWaitReason.Claimed);

        long ahead = 0;
        if (due)
        {
            // Queue order: higher priority first, then earlier start, then id (the order claims take within a start).
            ahead = await db.Tasks
                .Where(t => t.Status == TaskState.New && t.StartTimestamp <= now && t.Id != task.Id
                    && (t.Priority > task.Priority
                        || t.Priority == task.Priority && (t.StartTimestamp < task.StartTimestamp
                            || t.StartTimestamp == task.StartTimestamp && string.Compare(t.Id, task.Id) < 0)))
                .Take(AheadCountCap + 1)
                .LongCountAsync(cancellationToken);
            if (ahead > 0 && task.ClaimedBy is null) reasons.Add(TaskWaitReason.QueuedBehind);
        }
        if (reasons.Count == 0) reasons.Add(TaskWaitReason.Due);

        return new TaskWait(task.Id, now, reasons, task.StartTimestamp, pause, function?.ConcurrencyLimit, running,
            Math.Min(ahead, AheadCountCap), ahead > AheadCountCap, task.ClaimedBy, task.ClaimedTimestamp, dispatching);
    }
}
