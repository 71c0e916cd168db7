using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TasksConsole.Core.Audit;
using TasksConsole.Core.Common;
using TasksConsole.Core.Data;

namespace TasksConsole.Core.Tasks.Retention;

/// <summary>
/// How long finished tasks and log lines are kept. Every period is unset by default: everything is kept until an
/// admin sets one (<c>Tasks:Retention:Complete=30.00:00:00</c>, …).
/// </summary>
public sealed class TaskRetentionOptions
{
    public const string Section = "Tasks:Retention";

    /// <summary>Complete tasks are deleted this long after they completed.</summary>
    public TimeSpan? Complete { get; set; }

    /// <summary>Failed tasks, this long after they failed.</summary>
    public TimeSpan? Failed { get; set; }

    /// <summary>Retried tasks (the failures a retry replaced), this long after they were retried.</summary>
    public TimeSpan? Retried { get; set; }

    /// <summary>Canceled tasks, this long after they were canceled.</summary>
    public TimeSpan? Canceled { get; set; }

    /// <summary>Log lines of any task, this long after they were written (a task's lines also go with the task).</summary>
    public TimeSpan? LogLines { get; set; }

    /// <summary>How often the purge runs (the first run is a minute after start).</summary>
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// Tasks deleted per transaction: each batch holds the store's write lock only briefly (about 10 ms for 100 tasks
    /// with their tags, on SQLite with 500,000 tasks on this kind of machine).
    /// </summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>The pause between two batches, in which dispatch and the API write freely.</summary>
    public TimeSpan BatchPause { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>The periods that are set, by the status they apply to. New and running tasks are never purged.</summary>
    public IEnumerable<(TaskState Status, TimeSpan Period)> TaskPeriods()
    {
        if (Complete is { } complete) yield return (TaskState.Complete, complete);
        if (Failed is { } failed) yield return (TaskState.Failed, failed);
        if (Retried is { } retried) yield return (TaskState.Retried, retried);
        if (Canceled is { } canceled) yield return (TaskState.Canceled, canceled);
    }

    public bool Enabled => TaskPeriods().Any() || LogLines is not null;
}

/// <summary>What one purge deleted.</summary>
public sealed record TaskPurgeResult(IReadOnlyDictionary<TaskState, long> Tasks, long LogLines)
{
    public long TotalTasks => Tasks.Values.Sum();
}

/// <summary>
/// Deletes finished tasks past their status's period (with their tags and log lines) and log lines past theirs,
/// in small batches with a pause between them, so that dispatch never waits long for the store; then records the
/// counts in the audit trail. A deleted task may still be named by others (<c>retryForTaskIds</c>,
/// <c>retriedByTaskId</c>, <c>rerunOfTaskId</c>): those links stay; the retry chain leaves out attempts that are gone,
/// and a link to one answers "not found".
/// Every node may run it: a batch another node already deleted deletes nothing.
/// </summary>
public sealed class TaskRetention(
    IDbContextFactory<TasksDbContext> dbFactory, AuditTrail audit, IOptions<TaskRetentionOptions> options, TimeProvider clock,
    ILogger<TaskRetention> logger)
    : PeriodicJob(clock, logger)
{
    protected override bool Enabled => options.Value.Enabled;

    protected override TimeSpan Interval => options.Value.PurgeInterval;

    protected override string Activity => "Purging old tasks";

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => PurgeAsync(cancellationToken);

    public async Task<TaskPurgeResult> PurgeAsync(CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        var now = Clock.GetUtcNow();
        var tasks = new Dictionary<TaskState, long>();
        foreach (var (status, period) in settings.TaskPeriods())
        {
            var purged = await PurgeTasksAsync(status, now - period, settings, cancellationToken);
            if (purged > 0) tasks[status] = purged;
        }
        var lines = settings.LogLines is { } linePeriod ? await PurgeLogLinesAsync(now - linePeriod, settings, cancellationToken) : 0;

        var result = new TaskPurgeResult(tasks, lines);
        if (result.TotalTasks > 0 || lines > 0)
        {
            var counts = string.Join(", ", tasks.Select(pair => $"{pair.Value:N0} {pair.Key.ToWire()}"));
            var summary = result.TotalTasks > 0 ? $"Purged {result.TotalTasks:N0} {(result.TotalTasks == 1 ? "task" : "tasks")} ({counts})" : "Purged no tasks";
            audit.Record(AuditActions.TasksPurge, "tasks", null, $"{summary} and {lines:N0} log lines past their retention periods.",
                new { tasks = tasks.ToDictionary(pair => pair.Key.ToWire(), pair => pair.Value), logLines = lines, at = now }, AuditActor.System);
            logger.LogInformation("Retention purge: {Summary}, {LogLines} log lines", summary, lines);
        }
        return result;
    }

    /// <summary>
    /// Walks the status's tasks in creation order, on the (Status, CreationTimestamp) index, which SQLite is told to
    /// use: tasks that reached their status long ago were mostly created long ago, so each batch finds its tasks in
    /// the first rows it reads, where a walk by the status-change index would read and sort every old task of every
    /// status. The delete checks status and time again.
    /// </summary>
    private async Task<long> PurgeTasksAsync(TaskState status, DateTimeOffset cutOff, TaskRetentionOptions settings, CancellationToken cancellationToken)
    {
        long purged = 0;
        while (true)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            // {0}, {1}, {2} are parameters (EF's raw-SQL placeholders), not formatted into the text.
            var sql = $$"""
                SELECT "Id" AS "Value" FROM {{SqlDialect.Of(db).Table("Tasks", TaskIndexes.ByStatusAndCreation)}}
                WHERE "Status" = {0} AND "StatusChangedTimestamp" < {1}
                ORDER BY "Status", "CreationTimestamp" LIMIT {2}
                """;
            var batch = await db.Database.SqlQueryRaw<string>(sql, status.ToString(), cutOff.ToUnixTimeMilliseconds(), settings.BatchSize)
                .ToListAsync(cancellationToken);
            if (batch.Count == 0) break;
            purged += await WriteGate.RunAsync(db, async () =>
            {
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                object[] arguments = [.. batch, status.ToString(), cutOff.ToUnixTimeMilliseconds()];
                var deleted = await db.Database.ExecuteSqlRawAsync(GuardedDeleteSql(SqlDialect.Of(db), batch.Count), arguments, cancellationToken);
                // Tag rows go with their task by the foreign key's cascade. Log lines have no key to the task: those
                // of tasks that are gone go here, whether this batch or an earlier, interrupted one took the tasks.
                await db.TaskLogLines.Where(l => batch.Contains(l.TaskId) && !db.Tasks.Any(task => task.Id == l.TaskId)).ExecuteDeleteAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return (long)deleted;
            }, cancellationToken);
            if (batch.Count < settings.BatchSize) break;
            await Task.Delay(settings.BatchPause, Clock, cancellationToken);
        }
        return purged;
    }

    /// <summary>
    /// Deletes the listed tasks that still have the status and are still past the cut-off. The guard's columns are
    /// kept out of index choice: offered <c>"Status" = …</c>, SQLite (without statistics) walked every task of the
    /// status instead of looking up the few ids, 150-200 ms a batch at 500,000 tasks whatever the batch size.
    /// Parameters: the ids, then the status, then the cut-off.
    /// </summary>
    private static string GuardedDeleteSql(SqlDialect dialect, int ids)
    {
        var idList = string.Join(", ", Enumerable.Range(0, ids).Select(i => "{" + i + "}"));
        return "DELETE FROM \"Tasks\" WHERE \"Id\" IN (" + idList + ")" +
               " AND " + dialect.NotIndexed("\"Status\"") + " = {" + ids + "}" +
               " AND " + dialect.NotIndexed("\"StatusChangedTimestamp\"") + " < {" + (ids + 1) + "}";
    }

    /// <summary>
    /// Walks the lines in id order, which is the order they were written in: no index on their time is needed, and
    /// the walk stops at the first batch that reaches a line newer than the cut-off.
    /// </summary>
    private async Task<long> PurgeLogLinesAsync(DateTimeOffset cutOff, TaskRetentionOptions settings, CancellationToken cancellationToken)
    {
        long purged = 0;
        while (true)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var oldest = await db.TaskLogLines.OrderBy(l => l.Id).Select(l => new { l.Id, l.Timestamp })
                .Take(settings.BatchSize).ToListAsync(cancellationToken);
            var due = oldest.TakeWhile(l => l.Timestamp < cutOff).Select(l => l.Id).ToList();
            if (due.Count == 0) break;
            purged += await WriteGate.RunAsync(db, () => db.TaskLogLines.Where(l => due.Contains(l.Id)).ExecuteDeleteAsync(cancellationToken), cancellationToken);
            if (due.Count < settings.BatchSize) break;
            await Task.Delay(settings.BatchPause, Clock, cancellationToken);
        }
        return purged;
    }
}
