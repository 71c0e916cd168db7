using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TasksConsole.Core.Common;
using TasksConsole.Core.Data;
using TasksConsole.Core.Execution.Pauses;
using TasksConsole.Core.Functions;
using TasksConsole.Core.Tasks;
using TasksConsole.Core.Metrics;

namespace TasksConsole.Core.Execution;

/// <summary>
/// One per node. Claims due tasks in queue order into free capacity (global and per function), hands them to the
/// batch queue (Hangfire, in the app), then sleeps until the next start time (less the look-ahead), a wake-up (a new
/// task due sooner, freed capacity, a queued job started), or the fallback poll. While the node is busy, rounds are
/// a gathering window apart and only a small budget of jobs waits in the queue, so tasks that arrive one by one
/// still travel many to a claim and a job.
/// </summary>
public sealed class TaskDispatcher(
    TaskClaimer claimer,
    ITaskBatchQueue queue,
    IFunctionCatalog functions,
    CapacityTracker capacity,
    DispatchSignal signal,
    DispatchPauses pauses,
    ExecutionRecovery recovery,
    ITaskChangeFeed changes,
    TasksMetrics metrics,
    IOptions<ExecutionOptions> executionOptions,
    TimeProvider clock,
    ILogger<TaskDispatcher> logger) : BackgroundService
{
    private readonly ExecutionOptions _options = executionOptions.Value;

    // Claimed batches on their way into the batch queue: enqueuing (a few writes to Hangfire's storage) is not on
    // the dispatcher's path.
    private readonly Channel<(string ClaimToken, string[] TaskIds)> _handoffs =
        Channel.CreateUnbounded<(string, string[])>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    private DateTimeOffset _lastRound = DateTimeOffset.MinValue;

    // A full or read-only store fails every round, one a FallbackPoll: logged in full once a minute, not every second.
    private readonly RepeatedFaultLog _storeFaultLog = new(clock, TimeSpan.FromMinutes(1));

    // Due tasks created since the last round began, and whether that round took everything that was due: together
    // they say whether a claim now would go out thin while more is on its way.
    private int _dueArrivals;
    private volatile bool _queueDrained;

    /// <summary>How often the dispatcher checks on arrivals while it waits for a thin stream to fill a claim.</summary>
    private static readonly TimeSpan ArrivalCheck = TimeSpan.FromMilliseconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A new task due before the next look wakes the dispatcher instead of waiting for that look.
        using var newTasks = changes.Subscribe(change =>
        {
            if (change.Kind != TaskChangeKind.Created) return;
            if (change.StartTimestamp is not { } start || start <= clock.GetUtcNow() + _options.LookAhead) Interlocked.Increment(ref _dueArrivals);
            signal.WakeForStart(change.StartTimestamp);
        });
        await Task.Yield();
        var enqueuing = Task.Run(EnqueueHandoffsAsync, CancellationToken.None);
        try
        {
            await recovery.RecoverThisNodeAsync(stoppingToken);
            await DispatchLoopAsync(stoppingToken);
        }
        finally
        {
            _handoffs.Writer.TryComplete();
            await enqueuing;
        }
    }

    private async Task DispatchLoopAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (MayClaim)
                {
                    var thinStream = await GatherAsync(stoppingToken);
                    var result = await DispatchOnceAsync(stoppingToken, thinStream);
                    if (_storeFaultLog.Clear()) logger.LogInformation("Dispatching works again: the store takes writes");
                    if (result.FilledCapacity && MayClaim) continue;
                }
                await signal.WaitAsync(await NextWaitAsync(stoppingToken), clock, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (StoreErrors.StoreUnavailableReason(ex) is { } reason)
            {
                if (_storeFaultLog.ShouldLog(out var unlogged))
                {
                    logger.LogError(ex, "Dispatching failed: the store cannot take writes ({Reason}); trying again every {Interval} s until it can ({Unlogged} more failures since the last report)",
                        reason, _options.FallbackPoll.TotalSeconds, unlogged);
                }
                await signal.WaitAsync(_options.FallbackPoll, clock, stoppingToken);
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Dispatching failed; trying again shortly");
                await signal.WaitAsync(_options.FallbackPoll, clock, stoppingToken);
            }
        }
    }

    public sealed record DispatchResult(int Claimed, bool FilledCapacity);

    /// <summary>Free slots, and room in the job budget.</summary>
    private bool MayClaim => capacity.InFlight < _options.MaxConcurrency && QueuedJobs < _options.MaxQueuedJobs;

    private int QueuedJobs => capacity.QueuedJobs(_options.FallbackPoll);

    /// <summary>
    /// The gathering window: while the node has work out, a round starts no sooner than <see
    /// cref="ExecutionOptions.ClaimGathering"/> after the one before it, so whatever arrived meanwhile goes in one claim.
    /// A task waits for its round at most that long. An idle node does not wait: a lone new task is claimed at once.
    /// Returns whether it gathered a thin stream, whose claim goes out as one job (see <see cref="ThinClaim"/>).
    /// </summary>
    private async Task<bool> GatherAsync(CancellationToken cancellationToken)
    {
        var thinStream = false;
        if (capacity.InFlight > 0 || QueuedJobs > 0)
        {
            var wait = _lastRound + _options.ClaimGathering - clock.GetUtcNow();
            if (wait > TimeSpan.Zero) await Task.Delay(wait, clock, cancellationToken);

            // A thin stream (the last round took everything due, and under a job's worth arrived within the window):
            // wait on for a thin claim's worth, up to the longest window (see ClaimGatheringMax).
            var deadline = _lastRound + (_options.ClaimGatheringMax > _options.ClaimGathering ? _options.ClaimGatheringMax : _options.ClaimGathering);
            thinStream = _queueDrained && Volatile.Read(ref _dueArrivals) < _options.BatchSize;
            while (thinStream && Volatile.Read(ref _dueArrivals) < ThinClaim(_options.BatchSize))
            {
                var left = deadline - clock.GetUtcNow();
                if (left <= TimeSpan.Zero) break;
                await Task.Delay(left < ArrivalCheck ? left : ArrivalCheck, clock, cancellationToken);
            }
        }
        _lastRound = clock.GetUtcNow();
        Interlocked.Exchange(ref _dueArrivals, 0);
        return thinStream;
    }

    /// <summary>
    /// One round: claim what is due into the free capacity and hand it to the batch queue, in jobs of about
    /// <see cref="ExecutionOptions.BatchSize"/>, or in one job after gathering a <paramref name="thinStream"/>.
    /// </summary>
    public async Task<DispatchResult> DispatchOnceAsync(CancellationToken cancellationToken, bool thinStream = false)
    {
        _queueDrained = false;
        var free = _options.MaxConcurrency - capacity.InFlight;
        if (free <= 0) return new DispatchResult(0, FilledCapacity: true);
        if (QueuedJobs >= _options.MaxQueuedJobs) return new DispatchResult(0, FilledCapacity: false);

        // Paused: nothing new starts, what runs finishes (the batch runner gives back claims made just before).
        var paused = await pauses.CurrentAsync(cancellationToken);
        if (paused.ServicePaused) return new DispatchResult(0, FilledCapacity: false);

        var catalog = await functions.GetAllAsync(cancellationToken);
        var inFlight = capacity.SnapshotPerFunction();
        var excluded = catalog.Values
            .Where(f => !f.Enabled || f.ConcurrencyLimit is { } limit && inFlight.GetValueOrDefault(f.Name) >= limit)
            .Select(f => f.Name)
            .Concat(paused.Functions.Keys)
            .Distinct(StringComparer.Ordinal)
            .ToList();

        var now = clock.GetUtcNow();
        var candidates = await claimer.FindCandidatesAsync(now + _options.LookAhead, free, excluded, cancellationToken);
        // Fewer than there was room for: this round takes everything due (bar functions at their limit).
        _queueDrained = candidates.Count < free;
        if (candidates.Count == 0) return new DispatchResult(0, FilledCapacity: false);

        // The limits are read again now that the candidates are known: a function is created before its tasks, so a
        // function created while this round was under way (its tasks among the candidates, not in the snapshot read
        // above) is seen with its limit instead of none. While the snapshot is current this is a field read.
        catalog = await functions.GetAllAsync(cancellationToken);

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
        metrics.ClaimRound(claimed.Count);
        if (claimed.Count == 0) return new DispatchResult(0, FilledCapacity: false);

        capacity.Add(claimToken, claimed.Select(c => (c.Id, c.FunctionName)));
        // The ids go in queue order: the job starts tasks due at the same moment in that order.
        var batches = SplitIntoJobs(claimed.Select(c => c.Id).ToList(), thinStream ? ThinClaim(_options.BatchSize) : _options.BatchSize);
        capacity.JobsQueued(claimToken, batches.Count);
        foreach (var batch in batches) _handoffs.Writer.TryWrite((claimToken, batch));
        return new DispatchResult(claimed.Count, FilledCapacity: candidates.Count == free);
    }

    /// <summary>
    /// A claim's tasks, in queue order, as Hangfire jobs of about <paramref name="batchSize"/> each: as few jobs as hold
    /// them with none more than a quarter over, the tasks shared evenly. A thin stream's claim is a full job plus the
    /// few that arrived during the round (66, say): that goes out as one job, not as 64 and 2, since each job costs
    /// Hangfire the same storage writes however few tasks it carries.
    /// </summary>
    internal static List<string[]> SplitIntoJobs(IReadOnlyList<string> taskIds, int batchSize)
    {
        var jobs = JobsFor(taskIds.Count, batchSize);
        var split = new List<string[]>(jobs);
        for (int job = 0, start = 0; job < jobs; job++)
        {
            var size = (taskIds.Count - start) / (jobs - job);
            split.Add(taskIds.Skip(start).Take(size).ToArray());
            start += size;
        }
        return split;
    }

    /// <summary>
    /// What a thin stream gathers for, and the size of the one job its claim goes out in: two batches' worth. A thin
    /// stream (under a batch arrived within the gathering window, and the last round took everything due) is paced by
    /// its arrivals, not by the engine, so a claim and a job per 128 tasks instead of per 64 halves the claims' and
    /// Hangfire's writes at no cost in throughput; it waits at most <see cref="ExecutionOptions.ClaimGatheringMax"/>.
    /// A thick stream keeps jobs of about <see cref="ExecutionOptions.BatchSize"/>, which several workers start at
    /// once: jobs of 128 there let the backlog, and the start lag, grow.
    /// </summary>
    public static int ThinClaim(int batchSize) => 2 * batchSize;

    /// <summary>How many Hangfire jobs a claim of <paramref name="tasks"/> goes out in (see <see cref="SplitIntoJobs"/>).</summary>
    private static int JobsFor(int tasks, int batchSize) => (tasks + LargestJob(batchSize) - 1) / LargestJob(batchSize);

    /// <summary>The most tasks one job carries: a quarter over the batch size.</summary>
    public static int LargestJob(int batchSize) => batchSize + batchSize / 4;

    /// <summary>
    /// Hands claimed batches to the batch queue, in claim order. A batch the queue refuses is given back at once
    /// (released in the database and in capacity), so its tasks are claimed again rather than after the claim timeout.
    /// </summary>
    private async Task EnqueueHandoffsAsync()
    {
        await foreach (var (claimToken, taskIds) in _handoffs.Reader.ReadAllAsync(CancellationToken.None))
        {
            try
            {
                queue.Enqueue(claimToken, taskIds);
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Queuing a job for {Count} claimed tasks failed; they are released", taskIds.Length);
                capacity.JobLeftQueue(claimToken);
                try
                {
                    await claimer.ReleaseAsync(taskIds, claimToken, CancellationToken.None);
                }
                catch (Exception releaseError)
                {
                    // The claim timeout releases them instead.
                    logger.LogError(releaseError, "Releasing {Count} claimed tasks failed", taskIds.Length);
                }
                foreach (var taskId in taskIds) capacity.Release(claimToken, taskId);
                signal.Wake();
            }
        }
    }

    private async Task<TimeSpan> NextWaitAsync(CancellationToken cancellationToken)
    {
        // Out of slots or of job budget: a finished task or a started job wakes the dispatcher.
        if (!MayClaim) return _options.FallbackPoll;
        var now = clock.GetUtcNow();
        var next = await claimer.NextStartAfterAsync(now + _options.LookAhead, cancellationToken);
        if (next is null) return _options.FallbackPoll;
        var wait = next.Value - _options.LookAhead - now;
        return wait < _options.FallbackPoll ? wait : _options.FallbackPoll;
    }
}
