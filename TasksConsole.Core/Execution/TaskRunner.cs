using TasksConsole.Core.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using TasksConsole.Core.Data;
using TasksConsole.Core.Execution.Pauses;
using TasksConsole.Core.Functions;
using TasksConsole.Core.Tasks;
using TasksConsole.Core.Metrics;

namespace TasksConsole.Core.Execution;

/// <summary>
/// Runs one claimed batch: waits for each task's exact start time, moves the due ones to <c>inProgress</c> in one
/// guarded UPDATE (a task canceled meanwhile stays canceled and is never invoked), invokes them concurrently in the
/// claim's order (queue order), and hands each outcome to the <see cref="OutcomeWriter"/> as soon as it arrives.
/// </summary>
public sealed class TaskRunner(
    IDbContextFactory<TasksDbContext> dbFactory,
    TaskClaimer claimer,
    TaskInvoker invoker,
    OutcomeWriter outcomes,
    IFunctionCatalog functions,
    CapacityTracker capacity,
    DispatchSignal dispatch,
    DispatchPauses pauses,
    ITaskChangeFeed changes,
    TasksMetrics metrics,
    TimeProvider clock,
    ILogger<TaskRunner> logger)
{
    public async Task RunBatchAsync(string claimToken, IReadOnlyList<string> taskIds, CancellationToken cancellationToken)
    {
        // This job has left the queue: the dispatcher may hand out the next one, with everything due meanwhile.
        if (capacity.JobLeftQueue(claimToken)) dispatch.Wake();

        var notStarted = new HashSet<string>(taskIds, StringComparer.Ordinal);
        var running = new List<Task>();
        try
        {
            await StartInTurnAsync(claimToken, taskIds, notStarted, running, cancellationToken);
        }
        catch (Exception ex) when (notStarted.Count > 0)
        {
            // The job ends here and is not run again (the function's retry policy is the only retry authority): give
            // back the tasks it has not started, or they would wait, claimed by no running job, for the claim timeout.
            logger.LogError(ex, "A batch of claim {ClaimToken} failed; its {Count} tasks not yet started are given back", claimToken, notStarted.Count);
            await GiveBackAsync(claimToken, notStarted.ToList());
            await Task.WhenAll(running);
            throw;
        }
        await Task.WhenAll(running);
    }

    private async Task StartInTurnAsync(
        string claimToken, IReadOnlyList<string> taskIds, HashSet<string> notStarted, List<Task> running, CancellationToken cancellationToken)
    {
        List<TaskRecord> tasks;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            // Found through the claim's index; the status is checked here, because a condition on it in the query
            // lets SQLite read every new task (all those waiting for later) to find the claim's few.
            tasks = (await db.Tasks.AsNoTracking()
                    .Where(t => taskIds.Contains(t.Id) && t.ClaimedBy == claimToken)
                    .ToListAsync(cancellationToken))
                .Where(t => t.Status == TaskState.New)
                .OrderBy(t => t.StartTimestamp)
                .ToList();
        }
        // Canceled since the claim, or a job from an earlier run whose claims were released: nothing to do.
        foreach (var gone in taskIds.Except(tasks.Select(t => t.Id)))
        {
            notStarted.Remove(gone);
            Release(claimToken, gone);
        }

        var queueOrder = new Dictionary<string, int>(taskIds.Count, StringComparer.Ordinal);
        for (var i = 0; i < taskIds.Count; i++) queueOrder.TryAdd(taskIds[i], i);
        while (tasks.Count > 0)
        {
            var wait = tasks[0].StartTimestamp - clock.GetUtcNow();
            if (wait > TimeSpan.Zero) await Task.Delay(wait, clock, cancellationToken);

            var now = clock.GetUtcNow();
            var due = tasks.TakeWhile(t => t.StartTimestamp <= now).ToList();
            tasks.RemoveRange(0, due.Count);
            // Tasks due together start in the claim's order, which is queue order: priority first.
            due.Sort((a, b) => queueOrder[a.Id].CompareTo(queueOrder[b.Id]));
            running.AddRange(await StartAsync(claimToken, due, cancellationToken));
            notStarted.ExceptWith(due.Select(t => t.Id));
        }
    }

    /// <summary>Releases claims in the database (those still new under this claim) and their slots on this node.</summary>
    private async Task GiveBackAsync(string claimToken, IReadOnlyList<string> taskIds)
    {
        try
        {
            await claimer.ReleaseAsync(taskIds, claimToken, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The store is unreachable: the claim timeout releases them instead.
            logger.LogError(ex, "Releasing {Count} claimed tasks of claim {ClaimToken} failed", taskIds.Count, claimToken);
        }
        foreach (var taskId in taskIds) Release(claimToken, taskId);
    }

    private async Task<IEnumerable<Task>> StartAsync(string claimToken, List<TaskRecord> due, CancellationToken cancellationToken)
    {
        var catalog = await functions.GetAllAsync(cancellationToken);
        var paused = await pauses.CurrentAsync(cancellationToken);
        // A function disabled or paused (or the service paused) after the claim: give its tasks back so they wait,
        // still new, until it is enabled or resumed.
        var held = due.Where(t => catalog.GetValueOrDefault(t.FunctionName) is { Enabled: false } || paused.Holding(t.FunctionName) is not null).ToList();
        if (held.Count > 0)
        {
            await claimer.ReleaseAsync(held.Select(t => t.Id).ToList(), claimToken, cancellationToken);
            foreach (var task in held) Release(claimToken, task.Id);
            due = due.Except(held).ToList();
        }

        var now = clock.GetStoredNow();
        var started = await claimer.StartAsync(due.Select(t => t.Id).ToList(), claimToken, now, cancellationToken);
        var invocations = new List<Task>(started.Count);
        foreach (var task in due)
        {
            if (!started.Contains(task.Id))
            {
                Release(claimToken, task.Id);
                continue;
            }
            task.Status = TaskState.InProgress;
            task.StatusChangedTimestamp = task.UpdateTimestamp = now;
            task.ExecutionStartTimestamp = now;
            changes.Publish(TaskChange.StatusChanged(task, now));
            metrics.Started(task, now);
            invocations.Add(RunAsync(claimToken, task, catalog.GetValueOrDefault(task.FunctionName), cancellationToken));
        }
        return invocations;
    }

    private async Task RunAsync(string claimToken, TaskRecord task, FunctionRecord? function, CancellationToken cancellationToken)
    {
        try
        {
            var invoked = clock.GetTimestamp();
            var outcome = await invoker.InvokeAsync(task, function, cancellationToken);
            metrics.Invoked(task.FunctionName, clock.GetElapsedTime(invoked));
            await outcomes.RecordAsync(task.Id, outcome);
        }
        catch (Exception ex)
        {
            // The outcome could not be recorded; the task stays in progress and the zombie cleanup will fail it.
            logger.LogError(ex, "Task {TaskId} ran but its outcome could not be recorded", task.Id);
        }
        finally
        {
            Release(claimToken, task.Id);
        }
    }

    private void Release(string claimToken, string taskId)
    {
        if (capacity.Release(claimToken, taskId)) dispatch.Wake();
    }

}
