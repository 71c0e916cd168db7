using TasksConsole.Core.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TasksConsole.Core.Data;
using TasksConsole.Core.Functions;
using TasksConsole.Core.Tasks;
using TasksConsole.Core.Metrics;

namespace TasksConsole.Core.Execution;

public sealed record DirectExecution(TaskRecord Task, TaskOutcome Outcome);

/// <summary>
/// EXH "execute": runs a function now and waits for its result. It is recorded as an ordinary task (so it shows in
/// the console with its logs), inserted already in progress so the dispatcher never picks it up, and never
/// retried: the caller is waiting for this one answer.
/// </summary>
public sealed class DirectExecutor(
    IDbContextFactory<TasksDbContext> dbFactory,
    TaskService tasks,
    TaskInvoker invoker,
    OutcomeWriter outcomes,
    ITaskChangeFeed changes,
    TasksMetrics metrics,
    IOptions<ExecutionOptions> executionOptions,
    TimeProvider clock)
{
    private readonly ExecutionOptions _options = executionOptions.Value;

    public async Task<DirectExecution> ExecuteAsync(FunctionRecord function, string? dataJson, Caller caller, CancellationToken cancellationToken)
    {
        var now = clock.GetStoredNow();
        var task = tasks.BuildTask(new NewTask(function.Name, dataJson, Priority: 0, StartTimestamp: now), caller);
        task.Status = TaskState.InProgress;
        task.ExecutionStartTimestamp = now;
        task.ClaimedBy = $"{_options.NodeId}:direct";
        task.ClaimedTimestamp = now;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            db.Tasks.Add(task);
            await WriteGate.RunAsync(db, () => db.SaveChangesAsync(cancellationToken), cancellationToken);
        }
        changes.Publish(TaskChange.Created(task, now));
        metrics.Created(task.FunctionName);

        var outcome = await invoker.InvokeAsync(task, function, CancellationToken.None) with { Retryable = false };
        await outcomes.RecordAsync(task.Id, outcome);

        await using var read = await dbFactory.CreateDbContextAsync(cancellationToken);
        var recorded = await read.Tasks.AsNoTracking().SingleAsync(t => t.Id == task.Id, cancellationToken);
        return new DirectExecution(recorded, outcome);
    }
}
