using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using TasksConsole.Core.Common;
using TasksConsole.Core.Data;
using TasksConsole.Core.Execution;
using TasksConsole.Core.Functions;
using TasksConsole.Core.Rql;
using TasksConsole.Core.Audit;

namespace TasksConsole.Core.Tasks.Reruns;

/// <summary>
/// Re-runs by filter: a fresh copy of every failed, canceled or retried task that matches, each linked to its
/// original (<see cref="TaskRecord.RerunOfTaskId"/>). The console runs one while its dialog is open; the API starts a
/// job (<see cref="RerunJobRecord"/>) that this node runs in the background and any node can report on or stop.
/// </summary>
/// <remarks>
/// The originals are walked in id order, <see cref="ChunkSize"/> at a time, and the copies of a chunk go through the
/// same group commits as API creates: a re-run of 100,000 tasks never holds them in memory, and each write holds the
/// store's write lock briefly, so dispatch carries on meanwhile. Tasks that reach a re-runnable status after the
/// re-run started are not chased, and the copies (new tasks) never match, so a re-run ends.
/// </remarks>
public sealed class TaskReruns(
    IDbContextFactory<TasksDbContext> dbFactory,
    TaskService tasks,
    TaskQueries queries,
    IFunctionCatalog functions,
    TimeProvider clock,
    ILogger<TaskReruns> logger,
    AuditTrail? audit = null)
{
    public const int ChunkSize = 500;

    /// <summary>A running job whose progress has not moved for this long lost its node: it reports as interrupted.</summary>
    public static readonly TimeSpan InterruptedAfter = TimeSpan.FromMinutes(2);

    private readonly Channel<string> _jobs = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>The statuses a re-run copies: a run that ended without success, or never ran.</summary>
    public static readonly IReadOnlyList<TaskState> Rerunnable = [TaskState.Failed, TaskState.Canceled, TaskState.Retried];

    /// <summary><paramref name="filter"/> narrowed to the re-runnable statuses.</summary>
    public static RqlNode Selecting(RqlNode? filter)
    {
        var statuses = new RqlCondition(RqlOperator.In, "status", Rerunnable.Select(s => RqlValue.String(s.ToWire())).ToList(), []);
        return filter is null ? statuses : new RqlLogical(RqlOperator.And, [filter, statuses]);
    }

    /// <summary>How many tasks a re-run of <paramref name="filter"/> copies, and how many of them were zombies.</summary>
    public async Task<(long Total, long Zombies)> CountAsync(RqlNode? filter, CancellationToken cancellationToken = default)
    {
        // The total as the tasks page counts (its tag shortcuts included); the zombies are the rare few, counted apart.
        var selecting = Selecting(filter);
        var total = await queries.CountAsync(selecting, cancellationToken);
        if (total == 0) return (0, 0);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var zombies = await db.Tasks.ApplyFilter(selecting, await TaskRqlFields.ForAsync(db, selecting, cancellationToken))
            .Where(t => t.ErrorName == TaskOutcome.ZombieErrorName).LongCountAsync(cancellationToken);
        return (total, zombies);
    }

    /// <summary>
    /// Copies every re-runnable task that matches <paramref name="filter"/>; <paramref name="afterChunk"/> hears the
    /// running total after each chunk. Cancelling stops between chunks and keeps the copies made so far.
    /// </summary>
    public async Task<RerunResult> RerunMatchingAsync(
        RqlNode? filter, RerunOptions options, Caller caller, Func<long, Task>? afterChunk, CancellationToken cancellationToken = default)
    {
        Validate(options);
        long created = 0;
        try
        {
            var result = await CopyMatchingAsync(filter, options, caller, async soFar =>
            {
                created = soFar;
                if (afterChunk is not null) await afterChunk(soFar);
            }, cancellationToken);
            created = result.Created;
            return result;
        }
        finally
        {
            // Recorded however it ends; a job started over the API is recorded when it starts instead.
            audit?.Record(AuditActions.TasksRerun, "task", null,
                $"Re-ran {created:N0} {(created == 1 ? "task" : "tasks")} matching {(filter is null ? "no filter (all)" : filter.ToString())}.",
                new { filter = filter?.ToString() ?? "", count = created, options.KeepPriority, options.KeepStartTimestamp, options.AddTag });
        }
    }

    private async Task<RerunResult> CopyMatchingAsync(
        RqlNode? filter, RerunOptions options, Caller caller, Func<long, Task>? afterChunk, CancellationToken cancellationToken)
    {
        Validate(options);
        var selecting = Selecting(filter);
        var startedAt = clock.GetStoredNow();
        var catalog = options.KeepPriority ? null : await functions.GetAllAsync(cancellationToken);
        long created = 0;
        string? after = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            List<TaskRecord> chunk;
            await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
            {
                var originals = db.Tasks.AsNoTracking()
                    .ApplyFilter(selecting, await TaskRqlFields.ForAsync(db, selecting, cancellationToken))
                    .Where(t => t.StatusChangedTimestamp <= startedAt);
                if (after is not null)
                {
                    var last = after;
                    originals = originals.Where(t => string.Compare(t.Id, last) > 0);
                }
                chunk = await originals.OrderBy(t => t.Id).Take(ChunkSize).ToListAsync(cancellationToken);
            }
            if (chunk.Count == 0) break;
            after = chunk[^1].Id;

            var now = clock.GetStoredNow();
            var copies = chunk.Select(original => TaskRecord.RerunOf(original, ObjectId.NewId(clock), caller, now,
                    priority: options.KeepPriority ? original.Priority : catalog!.GetValueOrDefault(original.FunctionName)?.DefaultPriority ?? 0,
                    start: options.KeepStartTimestamp ? original.StartTimestamp : now,
                    options.AddTag))
                .ToList();
            await tasks.InsertBuiltAsync(copies);
            created += copies.Count;
            if (afterChunk is not null) await afterChunk(created);
            if (chunk.Count < ChunkSize) return new RerunResult(created, Stopped: false);
        }
        return new RerunResult(created, Stopped: cancellationToken.IsCancellationRequested);
    }

    /// <summary>The re-runs of a task (its <c>rerunByTaskIds</c>), oldest first, at most <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<string>> FindRerunsOfAsync(string taskId, int limit, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Tasks.AsNoTracking().Where(t => t.RerunOfTaskId == taskId)
            .OrderBy(t => t.Id).Take(limit).Select(t => t.Id).ToListAsync(cancellationToken);
    }

    /// <summary>Starts a re-run job on this node: counts first, then copies in the background.</summary>
    public async Task<RerunJobRecord> StartJobAsync(RqlNode? filter, RerunOptions options, Caller caller, CancellationToken cancellationToken = default)
    {
        Validate(options);
        var (total, zombies) = await CountAsync(filter, cancellationToken);
        var now = clock.GetStoredNow();
        var job = new RerunJobRecord
        {
            Id = ObjectId.NewId(clock),
            Filter = filter?.ToString() ?? "",
            KeepPriority = options.KeepPriority,
            KeepStartTimestamp = options.KeepStartTimestamp,
            AddTag = options.AddTag,
            State = RerunJobState.Running,
            Total = total,
            Zombies = zombies,
            CreatedByUserId = caller.UserId,
            CreatedByApplicationId = caller.ApplicationId,
            CreationTimestamp = now,
            UpdateTimestamp = now,
        };
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            db.RerunJobs.Add(job);
            await WriteGate.RunAsync(db, () => db.SaveChangesAsync(cancellationToken), cancellationToken);
        }
        _jobs.Writer.TryWrite(job.Id);
        audit?.Record(AuditActions.TasksRerun, "task", null,
            $"Started re-run job {job.Id} for {total:N0} {(total == 1 ? "task" : "tasks")} matching {(filter is null ? "no filter (all)" : filter.ToString())}.",
            new { jobId = job.Id, filter = job.Filter, count = total, options.KeepPriority, options.KeepStartTimestamp, options.AddTag });
        return job;
    }

    /// <summary>A job as it stands; a running job whose node stopped reporting is shown as interrupted.</summary>
    public async Task<RerunJobRecord?> FindJobAsync(string id, CancellationToken cancellationToken = default)
    {
        if (!ObjectId.IsValid(id)) return null;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var job = await db.RerunJobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == id, cancellationToken);
        if (job is { State: RerunJobState.Running } && job.UpdateTimestamp < clock.GetUtcNow() - InterruptedAfter)
        {
            job.State = RerunJobState.Failed;
            job.Error = "The node running this re-run stopped before it finished; the copies made so far are kept.";
        }
        return job;
    }

    /// <summary>Asks a running job to stop after its current chunk; whichever node runs it sees the request.</summary>
    public async Task<RerunJobRecord?> RequestStopAsync(string id, CancellationToken cancellationToken = default)
    {
        if (!ObjectId.IsValid(id)) return null;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            await WriteGate.RunAsync(db, () => db.RerunJobs
                .Where(j => j.Id == id && j.State == RerunJobState.Running)
                .ExecuteUpdateAsync(set => set.SetProperty(j => j.StopRequested, true), cancellationToken), cancellationToken);
        }
        return await FindJobAsync(id, cancellationToken);
    }

    /// <summary>Runs the jobs started on this node, one at a time, until <paramref name="stoppingToken"/> fires.</summary>
    internal async Task RunJobsAsync(CancellationToken stoppingToken)
    {
        await foreach (var id in _jobs.Reader.ReadAllAsync(stoppingToken))
        {
            await RunJobAsync(id, stoppingToken);
        }
    }

    private async Task RunJobAsync(string id, CancellationToken stoppingToken)
    {
        RerunJobRecord job;
        await using (var db = await dbFactory.CreateDbContextAsync(stoppingToken))
        {
            job = await db.RerunJobs.AsNoTracking().SingleAsync(j => j.Id == id, stoppingToken);
        }
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var state = RerunJobState.Failed;
        string? error = null;
        long created = 0;
        try
        {
            var filter = job.Filter.Length == 0 ? null : RqlParser.Parse(job.Filter).Filter;
            var options = new RerunOptions(job.KeepPriority, job.KeepStartTimestamp, job.AddTag);
            var result = await CopyMatchingAsync(filter, options, new Caller(job.CreatedByUserId, job.CreatedByApplicationId), async soFar =>
            {
                created = soFar;
                if (await ReportAsync(id, soFar)) await stop.CancelAsync();
            }, stop.Token);
            created = result.Created;
            state = result.Stopped ? RerunJobState.Stopped : RerunJobState.Complete;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            state = RerunJobState.Stopped;
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Re-run job {JobId} failed after {Created} copies", id, created);
            error = ex is ServiceException ? ex.Message : "The re-run stopped on an unexpected error; the copies made so far are kept.";
        }
        await FinishAsync(id, state, created, error);
    }

    /// <summary>Records progress; true when a stop was asked for.</summary>
    private async Task<bool> ReportAsync(string id, long created)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var now = clock.GetStoredNow();
        await WriteGate.RunAsync(db, () => db.RerunJobs.Where(j => j.Id == id)
            .ExecuteUpdateAsync(set => set.SetProperty(j => j.Created, created).SetProperty(j => j.UpdateTimestamp, now)), CancellationToken.None);
        return await db.RerunJobs.Where(j => j.Id == id).Select(j => j.StopRequested).SingleAsync();
    }

    private async Task FinishAsync(string id, RerunJobState state, long created, string? error)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var now = clock.GetStoredNow();
        await WriteGate.RunAsync(db, () => db.RerunJobs.Where(j => j.Id == id)
            .ExecuteUpdateAsync(set => set
                .SetProperty(j => j.State, state)
                .SetProperty(j => j.Created, created)
                .SetProperty(j => j.Error, error)
                .SetProperty(j => j.UpdateTimestamp, now)
                .SetProperty(j => j.FinishedTimestamp, now)), CancellationToken.None);
    }

    private static void Validate(RerunOptions options)
    {
        if (options.AddTag is { } tag && tag.Length is 0 or > TaskLimits.MaxTagLength)
        {
            throw new ServiceException(ErrorCode.FieldFormat, $"Field 'addTag' must be 1 to {TaskLimits.MaxTagLength} characters long.");
        }
    }
}
