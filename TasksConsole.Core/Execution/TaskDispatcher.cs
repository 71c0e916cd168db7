using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TasksConsole.Core.Functions;
using TasksConsole.Core.Tasks;

namespace TasksConsole.Core.Execution;

/// <summary>
/// One per node. Claims due tasks in queue order into free capacity (global and per function), hands them to the
/// batch queue (Hangfire, in the app), then sleeps until the next start time (less the look-ahead), a wake-up (a new
/// task due sooner, freed capacity), or the fallback poll.
/// </summary>
public sealed class TaskDispatcher(
    TaskClaimer claimer,
    ITaskBatchQueue queue,
    IFunctionCatalog functions,
    CapacityTracker capacity,
    DispatchSignal signal,
    ExecutionRecovery recovery,
    ITaskChangeFeed changes,
    IOptions<ExecutionOptions> executionOptions,
    TimeProvider clock,
    ILogger<TaskDispatcher> logger) : BackgroundService
{
    private readonly ExecutionOptions _options = executionOptions.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A new task due before the next look wakes the dispatcher instead of waiting for that look.
        using var newTasks = changes.Subscribe(change =>
        {
            if (change.Kind == TaskChangeKind.Created) signal.WakeForStart(change.StartTimestamp);
        });
        await Task.Yield();
        await recovery.RecoverThisNodeAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var result = await DispatchOnceAsync(stoppingToken);
                if (result.FilledCapacity && capacity.InFlight < _options.MaxConcurrency) continue;
                await signal.WaitAsync(await NextWaitAsync(result, stoppingToken), clock, stoppingToken);
                await GatherFreedSlotsAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Dispatching failed; trying again shortly");
                await signal.WaitAsync(_options.FallbackPoll, clock, stoppingToken);
            }
        }
    }

    public sealed record DispatchResult(int Claimed, bool FilledCapacity);

    /// <summary>One round: claim what is due into the free capacity and enqueue it.</summary>
    public async Task<DispatchResult> DispatchOnceAsync(CancellationToken cancellationToken)
    {
        var free = _options.MaxConcurrency - capacity.InFlight;
        if (free <= 0) return new DispatchResult(0, FilledCapacity: true);

        var catalog = await functions.GetAllAsync(cancellationToken);
        var inFlight = capacity.SnapshotPerFunction();
        var excluded = catalog.Values
            .Where(f => !f.Enabled || f.ConcurrencyLimit is { } limit && inFlight.GetValueOrDefault(f.Name) >= limit)
            .Select(f => f.Name)
            .ToList();

        var now = clock.GetUtcNow();
        var candidates = await claimer.FindCandidatesAsync(now + _options.LookAhead, free, excluded, cancellationToken);
        if (candidates.Count == 0) return new DispatchResult(0, FilledCapacity: false);

        // Per-function limits within this round: a function's surplus is skipped, not allowed to block the others.
        var chosen = new List<ClaimCandidate>(candidates.Count);
        var taken = new Dictionary<string, int>(inFlight, StringComparer.Ordinal);
        foreach (var candidate in candidates)
        {
            var running = taken.GetValueOrDefault(candidate.FunctionName);
            if (catalog.GetValueOrDefault(candidate.FunctionName)?.ConcurrencyLimit is { } limit && running >= limit) continue;
            taken[candidate.FunctionName] = running + 1;
            chosen.Add(candidate);
        }

        var claimToken = $"{_options.NodeId}:{Guid.NewGuid():N}";
        var won = await claimer.ClaimAsync(chosen.Select(c => c.Id).ToList(), claimToken, now, cancellationToken);
        var claimed = chosen.Where(c => won.Contains(c.Id)).ToList();
        if (claimed.Count == 0) return new DispatchResult(0, FilledCapacity: false);

        capacity.Add(claimToken, claimed.Select(c => (c.Id, c.FunctionName)));
        foreach (var batch in claimed.Chunk(_options.BatchSize))
        {
            queue.Enqueue(claimToken, batch.Select(c => c.Id).ToList());
        }
        return new DispatchResult(claimed.Count, FilledCapacity: candidates.Count == free);
    }

    /// <summary>
    /// Under load, slots come back one task at a time and each wakes the dispatcher; claiming at once would make a
    /// claim round (a query, an UPDATE and a Hangfire job) per task. A short pause while tasks are still running
    /// lets a batch's worth of slots gather first. Idle nodes do not wait: a lone new task is claimed at once.
    /// </summary>
    private async Task GatherFreedSlotsAsync(CancellationToken cancellationToken)
    {
        var free = _options.MaxConcurrency - capacity.InFlight;
        if (capacity.InFlight == 0 || free >= _options.BatchSize || _options.ClaimGathering <= TimeSpan.Zero) return;
        await Task.Delay(_options.ClaimGathering, clock, cancellationToken);
    }

    private async Task<TimeSpan> NextWaitAsync(DispatchResult result, CancellationToken cancellationToken)
    {
        if (capacity.InFlight >= _options.MaxConcurrency) return _options.FallbackPoll;
        var now = clock.GetUtcNow();
        var next = await claimer.NextStartAfterAsync(now + _options.LookAhead, cancellationToken);
        if (next is null) return _options.FallbackPoll;
        var wait = next.Value - _options.LookAhead - now;
        return wait < _options.FallbackPoll ? wait : _options.FallbackPoll;
    }
}
