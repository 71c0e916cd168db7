using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TasksConsole.Core.Audit;
using TasksConsole.Core.Common;
using TasksConsole.Core.Data;
using TasksConsole.Core.Functions;
using TasksConsole.Core.Rql;
using TasksConsole.Core.Metrics;

namespace TasksConsole.Core.Tasks;

/// <summary>
/// What a caller asks for when scheduling a task; absent values take their defaults (an absent priority is the
/// function's default priority). <see cref="ScheduleId"/> marks a task created by a schedule firing.
/// </summary>
public sealed record NewTask(
    string FunctionName,
    string? DataJson = null,
    long? Priority = null,
    DateTimeOffset? StartTimestamp = null,
    IReadOnlyList<string>? Tags = null,
    string? ScheduleId = null)
{
    /// <summary>
    /// What <paramref name="source"/>'s caller set that makes it the same call again: function, data, priority and
    /// tags, from <paramref name="start"/> (now when null). The console's Clone and re-runs start from it; the copy
    /// is not part of a schedule, and whoever creates it becomes its creator.
    /// </summary>
    public static NewTask CopyOf(TaskRecord source, DateTimeOffset? start = null) =>
        new(source.FunctionName, source.DataJson, source.Priority, start, source.Tags);
}

/// <summary>Who is acting: recorded as createdByUserId / createdByApplicationId.</summary>
public sealed record Caller(string? UserId, string? ApplicationId)
{
    public static readonly Caller System = new(null, null);
}

/// <summary>Creating, cancelling and reading tasks: shared by the REST API, the console and the scheduler.</summary>
/// <remarks>
/// A task created without a priority takes its function's default priority. A task for a function that is not
/// registered is accepted with priority 0 and runs as the Lambda function of that name, as on EXH, unless
/// <see cref="FunctionsOptions.RequireRegistration"/> refuses it here. Without a catalog (a service built by hand,
/// outside DI) every default priority is 0 and nothing is refused.
/// </remarks>
public sealed class TaskService(
    IDbContextFactory<TasksDbContext> dbFactory, TimeProvider clock, ITaskChangeFeed changes, IFunctionCatalog? functions = null,
    TasksMetrics? metrics = null, IOptions<FunctionsOptions>? functionsOptions = null, AuditTrail? audit = null)
{
    private readonly bool _requireRegistration = functionsOptions?.Value.RequireRegistration ?? false;
    private readonly TaskInsertBatcher _inserts = new(dbFactory);

    public async Task<TaskRecord> CreateAsync(NewTask input, Caller caller, CancellationToken cancellationToken = default) =>
        (await CreateCoreAsync(input, caller, guard: null, cancellationToken))!;

    /// <summary>
    /// Creates the task only if <paramref name="guard"/>, run first in the same transaction, returns true; null
    /// otherwise. A schedule firing uses it to claim its slot and create the slot's task atomically, so that
    /// racing nodes create one task per slot and a crash between the two cannot lose or repeat one.
    /// </summary>
    public Task<TaskRecord?> CreateGuardedAsync(
        NewTask input, Caller caller, Func<TasksDbContext, CancellationToken, Task<bool>> guard, CancellationToken cancellationToken = default) =>
        CreateCoreAsync(input, caller, guard, cancellationToken);

    private async Task<TaskRecord?> CreateCoreAsync(
        NewTask input, Caller caller, Func<TasksDbContext, CancellationToken, Task<bool>>? guard, CancellationToken cancellationToken)
    {
        // A schedule's firings were checked when the schedule was created; a function deleted since still runs by name.
        var mustBeRegistered = _requireRegistration && input.ScheduleId is null;
        if ((input.Priority is null || mustBeRegistered) && functions is not null && !string.IsNullOrEmpty(input.FunctionName))
        {
            var function = await functions.FindAsync(input.FunctionName, cancellationToken);
            if (mustBeRegistered && function is null) throw NotRegistered(input.FunctionName);
            input = input with { Priority = input.Priority ?? function?.DefaultPriority ?? 0 };
        }
        var task = BuildTask(input, caller);

        if (guard is null)
        {
            // Once queued, the insert is not withdrawn: the caller's cancellation only stops it from waiting.
            await _inserts.InsertAsync(task).WaitAsync(cancellationToken);
        }
        else
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            if (!await guard(db, cancellationToken)) return null;
            db.Tasks.Add(task);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        changes.Publish(TaskChange.Created(task, task.CreationTimestamp));
        metrics?.Created(task.FunctionName);
        return task;
    }

    /// <summary>
    /// Inserts tasks built elsewhere (re-runs) through the same group commits as single creates, and announces them
    /// to the dispatcher and the live views. Once queued the inserts are not withdrawn, so it does not take a
    /// cancellation token: a stopped re-run keeps every copy it made.
    /// </summary>
    internal async Task InsertBuiltAsync(IReadOnlyList<TaskRecord> tasks)
    {
        await Task.WhenAll(tasks.Select(_inserts.InsertAsync));
        changes.Publish(tasks.Select(task => TaskChange.Created(task, task.CreationTimestamp)).ToList());
        foreach (var task in tasks) metrics?.Created(task.FunctionName);
    }

    /// <summary>
    /// Refuses a function the registry does not know when <see cref="FunctionsOptions.RequireRegistration"/> is on;
    /// schedules call it on creation, as task creation does.
    /// </summary>
    public async Task EnsureRegisteredAsync(string functionName, CancellationToken cancellationToken = default)
    {
        if (_requireRegistration && functions is not null && !string.IsNullOrEmpty(functionName)
            && await functions.FindAsync(functionName, cancellationToken) is null)
        {
            throw NotRegistered(functionName);
        }
    }

    private static ServiceException NotRegistered(string functionName) =>
        new(ErrorCode.ResourceUnknown,
            $"No function named '{functionName}' is registered, and this installation only runs registered functions (Functions:RequireRegistration).");

    /// <summary>Validates the input and builds the row; throws <see cref="ServiceException"/> on bad input.</summary>
    public TaskRecord BuildTask(NewTask input, Caller caller)
    {
        if (string.IsNullOrEmpty(input.FunctionName))
        {
            throw new ServiceException(ErrorCode.MissingRequiredFields, "Field 'functionName' is required.");
        }
        if (!TaskLimits.IsValidFunctionName(input.FunctionName))
        {
            throw new ServiceException(ErrorCode.FieldFormat,
                $"Field 'functionName' must be 1 to {TaskLimits.MaxFunctionNameLength} letters, digits, '-' or '_'.");
        }

        var dataJson = input.DataJson ?? "{}";
        ValidateData(dataJson);

        var priority = input.Priority ?? 0;
        if (priority is < TaskLimits.MinPriority or > TaskLimits.MaxPriority)
        {
            throw new ServiceException(ErrorCode.FieldFormat,
                $"Field 'priority' must be between {TaskLimits.MinPriority} and {TaskLimits.MaxPriority}.");
        }

        var tags = input.Tags ?? [];
        if (tags.Count > TaskLimits.MaxTags)
        {
            throw new ServiceException(ErrorCode.FieldFormat, $"Field 'tags' may hold at most {TaskLimits.MaxTags} entries.");
        }
        if (tags.Any(tag => tag.Length is 0 or > TaskLimits.MaxTagLength))
        {
            throw new ServiceException(ErrorCode.FieldFormat,
                $"Each tag must be 1 to {TaskLimits.MaxTagLength} characters long.");
        }

        return TaskRecord.New(ObjectId.NewId(clock), input, caller, clock.GetStoredNow());
    }

    /// <summary>Cancels a task that is still <c>new</c>; the guard in the UPDATE makes a racing dispatch lose cleanly.</summary>
    public async Task CancelAsync(string taskId, CancellationToken cancellationToken = default)
    {
        if (await TryCancelAsync(taskId, cancellationToken)) return;

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var status = await db.Tasks.Where(t => t.Id == taskId).Select(t => (TaskState?)t.Status).SingleOrDefaultAsync(cancellationToken);
        throw status is null
            ? new ServiceException(ErrorCode.ResourceUnknown, $"No task with id {taskId}.")
            : new ServiceException(ErrorCode.IllegalState, $"Only new tasks can be canceled; task {taskId} is {status.Value.ToWire()}.");
    }

    /// <summary>Cancels the task if it is still <c>new</c>; false if it is unknown or has moved on.</summary>
    public async Task<bool> TryCancelAsync(string taskId, CancellationToken cancellationToken = default)
    {
        EnsureId(taskId);
        var now = clock.GetStoredNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var updated = await db.Tasks
            .Where(t => t.Id == taskId && t.Status == TaskState.New)
            .ExecuteUpdateAsync(set => set
                .SetProperty(t => t.Status, TaskState.Canceled)
                .SetProperty(t => t.StatusChangedTimestamp, now)
                .SetProperty(t => t.UpdateTimestamp, now), cancellationToken);
        if (updated == 0) return false;

        var task = await db.Tasks.AsNoTracking()
            .Where(t => t.Id == taskId)
            .Select(t => new { t.FunctionName, t.Tags })
            .SingleAsync(cancellationToken);
        changes.Publish(TaskChange.Canceled(taskId, task.FunctionName, task.Tags, now));
        metrics?.Finished(task.FunctionName, TaskState.Canceled);
        audit?.Record(AuditActions.TaskCancel, "task", taskId, $"Canceled task {taskId} ({task.FunctionName}).");
        return true;
    }

    /// <summary>How many tasks <see cref="CancelMatchingAsync"/> cancels per statement.</summary>
    public const int CancelChunkSize = 500;

    /// <summary>
    /// Cancels every task that is still <c>new</c>, matches <paramref name="filter"/> (RQL over the task fields, null
    /// for all) and was created before the call started; returns how many it canceled. <paramref name="progress"/>
    /// hears the running total after each chunk.
    /// </summary>
    /// <remarks>
    /// It walks the matching tasks in id order, <see cref="CancelChunkSize"/> at a time, so a million-task backlog
    /// never sits in memory and each UPDATE holds the write lock briefly (the dispatcher keeps claiming meanwhile).
    /// Each UPDATE is guarded by <c>status = new</c> like a single cancel, so a task that starts in the meantime is
    /// left alone; changes are published per chunk, for the tasks actually canceled. Tasks created after the call
    /// started are not chased: a schedule or a busy client could otherwise keep it running for ever. Stopping it
    /// through <paramref name="cancellationToken"/> keeps what was canceled so far.
    /// </remarks>
    public async Task<int> CancelMatchingAsync(RqlNode? filter, IProgress<int>? progress, CancellationToken cancellationToken = default)
    {
        var canceled = 0;
        try
        {
            await CancelChunksAsync(filter, clock.GetStoredNow(), soFar =>
            {
                canceled = soFar;
                progress?.Report(soFar);
            }, cancellationToken);
            return canceled;
        }
        finally
        {
            // Recorded however it ends: when it is stopped half-way, what was canceled is what counts.
            audit?.Record(AuditActions.TasksCancelByFilter, "task", null,
                $"Canceled {canceled:N0} new {(canceled == 1 ? "task" : "tasks")} matching {(filter is null ? "no filter (all)" : filter.ToString())}.",
                new { filter = filter?.ToString() ?? "", count = canceled });
        }
    }

    private async Task CancelChunksAsync(RqlNode? filter, DateTimeOffset startedAt, Action<int> afterChunk, CancellationToken cancellationToken)
    {
        var canceled = 0;
        string? after = null;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var candidates = db.Tasks.AsNoTracking()
                .ApplyFilter(filter, await TaskRqlFields.ForAsync(db, filter, cancellationToken))
                .Where(t => t.Status == TaskState.New && t.CreationTimestamp <= startedAt);
            if (after is not null)
            {
                var last = after;
                candidates = candidates.Where(t => string.Compare(t.Id, last) > 0);
            }
            var chunk = await candidates
                .OrderBy(t => t.Id)
                .Take(CancelChunkSize)
                .Select(t => new { t.Id, t.FunctionName, t.Tags })
                .ToListAsync(cancellationToken);
            if (chunk.Count == 0) break;
            after = chunk[^1].Id;

            var ids = chunk.Select(t => t.Id).ToList();
            var now = clock.GetStoredNow();
            var updated = await db.Tasks
                .Where(t => ids.Contains(t.Id) && t.Status == TaskState.New)
                .ExecuteUpdateAsync(set => set
                    .SetProperty(t => t.Status, TaskState.Canceled)
                    .SetProperty(t => t.StatusChangedTimestamp, now)
                    .SetProperty(t => t.UpdateTimestamp, now), cancellationToken);

            if (updated > 0)
            {
                // Usually every task of the chunk was still new; when some started meanwhile, ask which ones we got.
                var won = updated == chunk.Count
                    ? null
                    : (await db.Tasks.AsNoTracking()
                        .Where(t => ids.Contains(t.Id) && t.Status == TaskState.Canceled && t.StatusChangedTimestamp == now)
                        .Select(t => t.Id)
                        .ToListAsync(CancellationToken.None)).ToHashSet(StringComparer.Ordinal);
                var canceledNow = chunk
                    .Where(t => won is null || won.Contains(t.Id))
                    .Select(t => TaskChange.Canceled(t.Id, t.FunctionName, t.Tags, now))
                    .ToList();
                changes.Publish(canceledNow);
                metrics?.Committed(canceledNow);
                canceled += updated;
            }
            afterChunk(canceled);
            if (chunk.Count < CancelChunkSize) break;
        }
    }

    /// <summary>A task's log lines at or after <paramref name="since"/>, oldest first.</summary>
    public async Task<IReadOnlyList<TaskLogLine>> GetLogsAsync(
        string taskId, DateTimeOffset? since, int limit, CancellationToken cancellationToken = default)
    {
        EnsureId(taskId);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await db.Tasks.AnyAsync(t => t.Id == taskId, cancellationToken))
        {
            throw new ServiceException(ErrorCode.ResourceUnknown, $"No task with id {taskId}.");
        }
        var lines = db.TaskLogLines.AsNoTracking().Where(l => l.TaskId == taskId);
        if (since is { } from) lines = lines.Where(l => l.Timestamp >= from);
        return await lines.OrderBy(l => l.Timestamp).ThenBy(l => l.Id).Take(limit).ToListAsync(cancellationToken);
    }

    public async Task<TaskRecord?> FindByIdAsync(string taskId, CancellationToken cancellationToken = default)
    {
        if (!ObjectId.IsValid(taskId)) return null;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Tasks.AsNoTracking().SingleOrDefaultAsync(t => t.Id == taskId, cancellationToken);
    }

    public static void EnsureId(string id)
    {
        if (!ObjectId.IsValid(id))
        {
            throw new ServiceException(ErrorCode.IdFormat, $"'{id}' is not a valid id: 24 hexadecimal characters are expected.");
        }
    }

    private static void ValidateData(string dataJson)
    {
        if (Encoding.UTF8.GetByteCount(dataJson) > TaskLimits.MaxDataBytes)
        {
            throw new ServiceException(ErrorCode.FieldFormat, $"Field 'data' is larger than {TaskLimits.MaxDataBytes / 1024} KB.");
        }
        try
        {
            using var document = JsonDocument.Parse(dataJson);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ServiceException(ErrorCode.FieldFormat, "Field 'data' must be a JSON object.");
            }
        }
        catch (JsonException)
        {
            throw new ServiceException(ErrorCode.FieldFormat, "Field 'data' must be a JSON object.");
        }
    }

}
