using System.Threading.Channels;
using System.Data;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TasksConsole.Core.Common;
using TasksConsole.Core.Data;
using TasksConsole.Core.Events;
using TasksConsole.Core.Functions;
using TasksConsole.Core.Tasks;
using TasksConsole.Core.Metrics;
using TasksConsole.Core.Webhooks;

namespace TasksConsole.Core.Execution;

/// <summary>
/// Records outcomes in as few transactions as the load allows: every outcome waiting when the writer comes round
/// goes into one transaction (SQLite has one writer, so a commit per task would cap throughput). Each outcome is
/// recorded in full in that transaction: the status, a retry task or a task_failed event, the webhook deliveries
/// those cause, and the log lines.
/// Callers await their outcome's commit, so a finished job means a durable result.
/// </summary>
public sealed class OutcomeWriter(
    IDbContextFactory<TasksDbContext> dbFactory,
    IFunctionCatalog functions,
    ITaskChangeFeed changes,
    TasksMetrics metrics,
    WebhookOutbox webhooks,
    TimeProvider clock,
    ILogger<OutcomeWriter> logger) : BackgroundService
{
    private const int MaxBatch = 256;
    private readonly Channel<PendingOutcome> _pending = Channel.CreateUnbounded<PendingOutcome>(new UnboundedChannelOptions { SingleReader = true });

    public Task RecordAsync(string taskId, TaskOutcome outcome)
    {
        var pending = new PendingOutcome(taskId, outcome, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_pending.Writer.TryWrite(pending)) throw new InvalidOperationException("The outcome writer has stopped.");
        return pending.Committed.Task;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<PendingOutcome>(MaxBatch);
        // Outcomes are drained even while stopping, so that work already done is recorded before the node exits.
        while (await _pending.Reader.WaitToReadAsync(CancellationToken.None))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _pending.Reader.TryRead(out var next)) batch.Add(next);
            try
            {
                await WriteAsync(batch);
                foreach (var item in batch) item.Committed.TrySetResult();
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Recording {Count} task outcomes failed", batch.Count);
                foreach (var item in batch) item.Committed.TrySetException(ex);
            }
        }
    }

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        _pending.Writer.TryComplete();
        return base.StopAsync(cancellationToken);
    }

    private async Task WriteAsync(IReadOnlyList<PendingOutcome> batch)
    {
        try
        {
            var published = await WriteBatchAsync(batch);
            changes.Publish(published);
            metrics.Committed(published);
        }
        catch (DbUpdateConcurrencyException) when (batch.Count > 1)
        {
            // Some task moved on meanwhile (a zombie cleanup or a racing writer): record the rest one by one.
            foreach (var item in batch)
            {
                try
                {
                    var published = await WriteBatchAsync([item]);
                    changes.Publish(published);
                    metrics.Committed(published);
                }
                catch (DbUpdateConcurrencyException)
                {
                    logger.LogInformation("Task {TaskId} was finished elsewhere; its late outcome is dropped", item.TaskId);
                }
            }
        }
        catch (DbUpdateConcurrencyException)
        {
            logger.LogInformation("Task {TaskId} was finished elsewhere; its late outcome is dropped", batch[0].TaskId);
        }
    }

    private async Task<List<TaskChange>> WriteBatchAsync(IReadOnlyList<PendingOutcome> batch)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var ids = batch.Select(b => b.TaskId).Distinct().ToList();
        // Read untracked: most outcomes are completions, written by a prepared statement below. A task that failed is
        // attached before it changes, so EF writes it (and guards its status) in SaveChanges.
        var tasks = await db.Tasks.AsNoTracking().Where(t => ids.Contains(t.Id) && t.Status == TaskState.InProgress).ToDictionaryAsync(t => t.Id);
        var now = clock.GetStoredNow();
        var published = new List<TaskChange>();
        var completed = new List<TaskRecord>();
        var logLines = new List<TaskLogLine>();
        var endpoints = await WebhookOutbox.ActiveEndpointsAsync(db);
        var deliveries = 0;

        foreach (var item in batch)
        {
            if (!tasks.TryGetValue(item.TaskId, out var task)) continue;
            tasks.Remove(item.TaskId);
            var outcome = item.Outcome;
            if (!outcome.Succeeded) db.Tasks.Attach(task);
            task.ExecutionEndTimestamp = outcome.FinishedAt.ToStoredPrecision();
            task.StatusChangedTimestamp = now;
            task.UpdateTimestamp = now;
            AddLogLines(logLines, task, outcome);

            if (outcome.Succeeded)
            {
                task.Status = TaskState.Complete;
                task.ResultJson = outcome.ResultJson;
                completed.Add(task);
                published.Add(TaskChange.StatusChanged(task, now));
                deliveries += webhooks.AddStatusChanged(db, endpoints, task);
                continue;
            }

            task.SetError(outcome.ErrorType!, outcome.ErrorName, outcome.ErrorMessage ?? "");
            var function = await functions.FindAsync(task.FunctionName);
            if (RetryPolicy.NextRetryDelay(function, task, outcome) is { } delay)
            {
                var retry = TaskRecord.RetryOf(task, ObjectId.NewId(clock), now, now + delay);
                db.Tasks.Add(retry);
                task.Status = TaskState.Retried;
                task.RetriedByTaskId = retry.Id;
                published.Add(TaskChange.StatusChanged(task, now));
                published.Add(TaskChange.Created(retry, now));
                deliveries += webhooks.AddStatusChanged(db, endpoints, task);
            }
            else
            {
                task.Status = TaskState.Failed;
                var failure = new TaskFailedEventRecord
                {
                    Id = ObjectId.NewId(clock),
                    TaskId = task.Id,
                    FunctionName = task.FunctionName,
                    ErrorType = task.ErrorType!,
                    ErrorName = task.ErrorName,
                    ErrorMessage = task.ErrorMessage ?? "",
                    CreationTimestamp = now,
                };
                db.TaskFailedEvents.Add(failure);
                published.Add(TaskChange.Failed(task, failure, now));
                deliveries += webhooks.AddStatusChanged(db, endpoints, task);
                deliveries += webhooks.AddTaskFailed(db, endpoints, failure);
            }
        }

        // Completions (the common case) and log lines go through prepared statements; EF's SaveChanges, whose batch
        // preparation was most of this writer's CPU, keeps the rarer retries and failures. One transaction for all.
        await WriteGate.RunAsync(db, async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            var connection = db.Database.GetDbConnection();
            var dbTransaction = transaction.GetDbTransaction();
            var dialect = SqlDialect.Of(db);
            await CompleteAsync(connection, dbTransaction, completed, dialect);
            await InsertLogLinesAsync(connection, dbTransaction, logLines, dialect);
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
        });
        if (deliveries > 0) webhooks.Wake();
        return published;
    }

    /// <summary>
    /// Moves completed tasks from <c>inProgress</c> to <c>complete</c>, guarded by the status as EF's concurrency token
    /// would: a task finished elsewhere meanwhile fails the batch the same way, and it is then retried one by one.
    /// </summary>
    private static async Task CompleteAsync(DbConnection connection, DbTransaction transaction, List<TaskRecord> tasks, SqlDialect dialect)
    {
        if (tasks.Count == 0) return;
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        Parameter(command, "@complete", DbType.String).Value = TaskState.Complete.ToString();
        Parameter(command, "@inProgress", DbType.String).Value = TaskState.InProgress.ToString();
        if (dialect.IsPostgreSql)
        {
            await CompleteInOneStatementAsync(command, tasks);
            return;
        }
        command.CommandText = """
            UPDATE "Tasks" SET "Status" = @complete, "ResultJson" = @result, "ExecutionEndTimestamp" = @end,
                "StatusChangedTimestamp" = @changed, "UpdateTimestamp" = @updated
            WHERE "Id" = @id AND "Status" = @inProgress
            """;
        var id = Parameter(command, "@id", DbType.String);
        var result = Parameter(command, "@result", DbType.String);
        var end = Parameter(command, "@end", DbType.Int64);
        var changed = Parameter(command, "@changed", DbType.Int64);
        var updated = Parameter(command, "@updated", DbType.Int64);
        foreach (var task in tasks)
        {
            id.Value = task.Id;
            result.Value = (object?)task.ResultJson ?? DBNull.Value;
            end.Value = (object?)task.ExecutionEndTimestamp?.ToUnixTimeMilliseconds() ?? DBNull.Value;
            changed.Value = task.StatusChangedTimestamp.ToUnixTimeMilliseconds();
            updated.Value = task.UpdateTimestamp.ToUnixTimeMilliseconds();
            if (await command.ExecuteNonQueryAsync() != 1)
            {
                throw new DbUpdateConcurrencyException($"Task {task.Id} is no longer in progress.");
            }
        }
    }

    /// <summary>
    /// PostgreSQL: the whole batch in one UPDATE joined to the batch's values as arrays. A statement per task is a
    /// network round trip per task there (on SQLite, in process, a prepared statement per task is the cheap form).
    /// </summary>
    private static async Task CompleteInOneStatementAsync(DbCommand command, List<TaskRecord> tasks)
    {
        command.CommandText = """
            UPDATE "Tasks" AS t SET "Status" = @complete, "ResultJson" = v.result, "ExecutionEndTimestamp" = v.ended,
                "StatusChangedTimestamp" = v.changed, "UpdateTimestamp" = v.updated
            FROM unnest(@ids, @results, @ends, @changeds, @updateds) AS v(id, result, ended, changed, updated)
            WHERE t."Id" = v.id AND t."Status" = @inProgress
            """;
        command.AddParameter("@ids", tasks.Select(t => t.Id).ToArray());
        command.AddParameter("@results", tasks.Select(t => t.ResultJson).ToArray());
        command.AddParameter("@ends", tasks.Select(t => t.ExecutionEndTimestamp?.ToUnixTimeMilliseconds()).ToArray());
        command.AddParameter("@changeds", tasks.Select(t => t.StatusChangedTimestamp.ToUnixTimeMilliseconds()).ToArray());
        command.AddParameter("@updateds", tasks.Select(t => t.UpdateTimestamp.ToUnixTimeMilliseconds()).ToArray());
        var updated = await command.ExecuteNonQueryAsync();
        if (updated != tasks.Count)
        {
            throw new DbUpdateConcurrencyException($"{tasks.Count - updated} of {tasks.Count} tasks are no longer in progress.");
        }
    }

    private static async Task InsertLogLinesAsync(DbConnection connection, DbTransaction transaction, List<TaskLogLine> lines, SqlDialect dialect)
    {
        if (lines.Count == 0) return;
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        if (dialect.IsPostgreSql)
        {
            // One statement for the batch's lines (see CompleteInOneStatementAsync).
            command.CommandText = """
                INSERT INTO "TaskLogLines" ("TaskId", "Timestamp", "Message")
                SELECT * FROM unnest(@tasks, @timestamps, @messages)
                """;
            command.AddParameter("@tasks", lines.Select(l => l.TaskId).ToArray());
            command.AddParameter("@timestamps", lines.Select(l => l.Timestamp.ToUnixTimeMilliseconds()).ToArray());
            command.AddParameter("@messages", lines.Select(l => l.Message).ToArray());
            await command.ExecuteNonQueryAsync();
            return;
        }
        command.CommandText = "INSERT INTO \"TaskLogLines\" (\"TaskId\", \"Timestamp\", \"Message\") VALUES (@task, @timestamp, @message)";
        var task = Parameter(command, "@task", DbType.String);
        var timestamp = Parameter(command, "@timestamp", DbType.Int64);
        var message = Parameter(command, "@message", DbType.String);
        foreach (var line in lines)
        {
            task.Value = line.TaskId;
            timestamp.Value = line.Timestamp.ToUnixTimeMilliseconds();
            message.Value = line.Message;
            await command.ExecuteNonQueryAsync();
        }
    }

    private static DbParameter Parameter(DbCommand command, string name, DbType type)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = type;
        command.Parameters.Add(parameter);
        return parameter;
    }

    /// <summary>Stores the log tail line by line (see <see cref="LogLines"/>).</summary>
    private static void AddLogLines(List<TaskLogLine> into, TaskRecord task, TaskOutcome outcome)
    {
        if (string.IsNullOrEmpty(outcome.LogTail)) return;
        foreach (var (timestamp, message) in LogLines(outcome.LogTail, task.ExecutionStartTimestamp ?? outcome.FinishedAt))
        {
            into.Add(new TaskLogLine { TaskId = task.Id, Timestamp = timestamp, Message = message + "\n" });
        }
    }

    /// <summary>
    /// A log tail's lines with their times. Lambda lines start with an ISO timestamp, then a tab (the function's own
    /// lines) or a space (the runtime's "Task timed out" line); the runtime's other lines (START, END, REPORT) have
    /// none and take the time of the line before them (START: the execution start, <paramref name="start"/>), so
    /// ordering by time keeps the log's own order, and a timed-out task's END and REPORT come at its timeout.
    /// </summary>
    internal static IEnumerable<(DateTimeOffset Timestamp, string Message)> LogLines(string tail, DateTimeOffset start)
    {
        var current = start.ToStoredPrecision();
        foreach (var line in tail.Split('\n'))
        {
            var message = line.TrimEnd('\r');
            if (message.Length == 0) continue;
            var end = message.IndexOfAny(['\t', ' ']);
            if (end > 0 && InstantParser.TryParse(message[..end], out var stamped)) current = stamped.ToStoredPrecision();
            yield return (current, message);
        }
    }

    private sealed record PendingOutcome(string TaskId, TaskOutcome Outcome, TaskCompletionSource Committed);
}
