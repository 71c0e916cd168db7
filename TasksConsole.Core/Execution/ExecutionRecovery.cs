using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TasksConsole.Core.Data;
using TasksConsole.Core.Functions;
using TasksConsole.Core.Tasks;

namespace TasksConsole.Core.Execution;

/// <summary>
/// Puts things right after a node died. Claims that never started go back to the dispatcher (the task runs once,
/// later). Tasks left in progress have an unknown outcome: they are failed as <c>zombieTaskCleaned</c>, never run
/// again, because the function may already have run.
/// </summary>
public sealed class ExecutionRecovery(
    IDbContextFactory<TasksDbContext> dbFactory,
    TaskClaimer claimer,
    OutcomeWriter outcomes,
    IFunctionCatalog functions,
    IOptions<ExecutionOptions> executionOptions,
    TimeProvider clock,
    ILogger<ExecutionRecovery> logger)
{
    private readonly ExecutionOptions _options = executionOptions.Value;

    private string NodePrefix => _options.NodeId + ":";

    /// <summary>At start-up: whatever this node held when it stopped is released or cleaned at once.</summary>
    public async Task RecoverThisNodeAsync(CancellationToken cancellationToken)
    {
        var released = await claimer.ReleaseClaimsAsync(NodePrefix, claimedBefore: null, cancellationToken);
        var orphans = await claimer.FindInProgressClaimedByAsync(NodePrefix, cancellationToken);
        await Task.WhenAll(orphans.Select(id => outcomes.RecordAsync(id,
            TaskOutcome.Zombie($"Node {_options.NodeId} stopped while the task was running; its outcome is unknown.", clock.GetUtcNow()))));
        if (released + orphans.Count > 0)
        {
            logger.LogWarning("Recovered node {Node}: {Released} unstarted claims released, {Zombies} running tasks failed as zombies",
                _options.NodeId, released, orphans.Count);
        }
    }

    /// <summary>Periodic: zombies anywhere (past their time limit plus grace) and stale claims of dead nodes.</summary>
    public async Task<(int Released, int Zombies)> CleanupAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var released = await claimer.ReleaseClaimsAsync(claimPrefix: null, now - _options.ClaimTimeout, cancellationToken);

        // Every limit is at least the shortest a function may have (or the unregistered functions' default, if
        // shorter), so only tasks older than that can be zombies.
        var shortestLimit = TimeSpan.FromSeconds(FunctionDefaults.MinTimeLimitSeconds);
        if (_options.DefaultTimeLimit < shortestLimit) shortestLimit = _options.DefaultTimeLimit;
        var oldest = now - shortestLimit - _options.ZombieGrace;
        List<(string Id, string FunctionName, DateTimeOffset? Started)> running;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            running = (await db.Tasks
                .Where(t => t.Status == TaskState.InProgress && t.ExecutionStartTimestamp < oldest)
                .Select(t => new { t.Id, t.FunctionName, t.ExecutionStartTimestamp })
                .ToListAsync(cancellationToken))
                .Select(t => (t.Id, t.FunctionName, t.ExecutionStartTimestamp))
                .ToList();
        }

        var catalog = await functions.GetAllAsync(cancellationToken);
        var zombies = running.Where(t =>
        {
            var limit = catalog.GetValueOrDefault(t.FunctionName) is { } function
                ? TimeSpan.FromSeconds(function.TimeLimitSeconds)
                : _options.DefaultTimeLimit;
            return t.Started + limit + _options.ZombieGrace < now;
        }).ToList();
        await Task.WhenAll(zombies.Select(t => outcomes.RecordAsync(t.Id, TaskOutcome.Zombie(
            $"The task was still in progress {(now - t.Started!.Value).TotalSeconds:0} s after it started, past its function's time limit; its outcome is unknown.",
            now))));
        if (released + zombies.Count > 0)
        {
            logger.LogWarning("Cleanup: {Released} stale claims released, {Zombies} zombie tasks failed", released, zombies.Count);
        }
        return (released, zombies.Count);
    }
}
