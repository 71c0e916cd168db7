using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using TasksConsole.Core.Data;
using TasksConsole.Core.Tasks;

namespace TasksConsole.Core.Execution;

public sealed record ClaimCandidate(string Id, string FunctionName, DateTimeOffset StartTimestamp);

/// <summary>
/// The dispatcher's SQL. A claim is one UPDATE guarded by <c>status = new AND claimedBy IS NULL</c>, so two
/// dispatchers (or a cancel) racing for a task cannot both win it, on either store: SQLite has one writer at a time,
/// and PostgreSQL re-checks the guard on the row's latest version before it updates (on PostgreSQL the rows are also
/// locked with SKIP LOCKED first, see <see cref="SqlDialect.IdsMeeting"/>). Claiming does not change the status: until a
/// job starts it, the task is still <c>new</c> and can be canceled.
/// </summary>
public sealed class TaskClaimer(IDbContextFactory<TasksDbContext> dbFactory)
{
    private static readonly string New = TaskState.New.ToString();
    private static readonly string InProgress = TaskState.InProgress.ToString();

    /// <summary>Beyond this many priority levels in one look, the rest of the queue is read in one sorted scan.</summary>
    private const int MaxPriorityLevelsWalked = 16;

    /// <summary>
    /// Due, unclaimed tasks in queue order: priority first, then start time. Queues have few priority levels, so
    /// the queue-order index is read level by level, each level a range of due tasks already in start order: a
    /// round costs its own rows, not the backlog. (One sorted query over all due tasks re-reads and re-sorts the
    /// whole backlog every round: at 20,000 waiting tasks, most of the engine's database time.) When the levels
    /// are many, the remainder falls back to that query.
    /// </summary>
    public async Task<IReadOnlyList<ClaimCandidate>> FindCandidatesAsync(
        DateTimeOffset horizon, int limit, IReadOnlyCollection<string> excludedFunctions, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var candidates = new List<ClaimCandidate>();
        var level = await HighestPriorityBelowAsync(db, below: null, cancellationToken);
        for (var walked = 0; level is { } priority && candidates.Count < limit; walked++)
        {
            if (walked == MaxPriorityLevelsWalked)
            {
                await ReadCandidatesAsync(db, horizon, limit - candidates.Count, excludedFunctions, candidates,
                    priorityCondition: "\"Priority\" <= @priority", priority, TaskIndexes.DueByStart,
                    order: "\"Priority\" DESC, \"StartTimestamp\", \"Id\"", cancellationToken);
                break;
            }
            await ReadCandidatesAsync(db, horizon, limit - candidates.Count, excludedFunctions, candidates,
                priorityCondition: "\"Priority\" = @priority", priority, TaskIndexes.QueueOrder,
                order: "\"StartTimestamp\"", cancellationToken);
            level = await HighestPriorityBelowAsync(db, priority, cancellationToken);
        }
        return candidates;
    }

    /// <summary>The highest priority among new tasks (below <paramref name="below"/>): one seek in the queue-order index.</summary>
    private static async Task<long?> HighestPriorityBelowAsync(TasksDbContext db, long? below, CancellationToken cancellationToken)
    {
        await using var command = await CommandAsync(db, cancellationToken);
        command.CommandText = $"""
            SELECT MAX("Priority") FROM {SqlDialect.Of(db).Table("Tasks", TaskIndexes.QueueOrder)}
            WHERE "Status" = @new{(below is null ? "" : " AND \"Priority\" < @below")}
            """;
        command.AddParameter("@new", New);
        if (below is { } value) command.AddParameter("@below", value);
        return await command.ExecuteScalarAsync(cancellationToken) is long max ? max : null;
    }

    private static async Task ReadCandidatesAsync(
        TasksDbContext db, DateTimeOffset horizon, int limit, IReadOnlyCollection<string> excludedFunctions,
        List<ClaimCandidate> into, string priorityCondition, long priority, string index, string order, CancellationToken cancellationToken)
    {
        await using var command = await CommandAsync(db, cancellationToken);
        var exclusions = excludedFunctions.Count == 0
            ? ""
            : $" AND \"FunctionName\" NOT IN ({string.Join(',', excludedFunctions.Select((name, i) => command.AddParameter($"@f{i}", name)))})";
        // Within one level the index is in start order, ties in insertion order: reading stops at the limit.
        command.CommandText = $"""
            SELECT "Id", "FunctionName", "StartTimestamp" FROM {SqlDialect.Of(db).Table("Tasks", index)}
            WHERE "Status" = @new AND {priorityCondition} AND "StartTimestamp" <= @horizon AND "ClaimedBy" IS NULL{exclusions}
            ORDER BY {order}
            LIMIT @limit
            """;
        command.AddParameter("@new", New);
        command.AddParameter("@priority", priority);
        command.AddParameter("@horizon", horizon.ToUnixTimeMilliseconds());
        command.AddParameter("@limit", limit);

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            into.Add(new ClaimCandidate(
                reader.GetString(0), reader.GetString(1), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2))));
        }
    }

    /// <summary>Claims those of <paramref name="ids"/> that are still new and unclaimed; returns the ones won.</summary>
    public Task<IReadOnlySet<string>> ClaimAsync(
        IReadOnlyList<string> ids, string claimToken, DateTimeOffset now, CancellationToken cancellationToken) =>
        UpdateReturningIdsAsync(ids,
            set: "\"ClaimedBy\" = @token, \"ClaimedTimestamp\" = @now",
            guard: "\"ClaimedBy\" IS NULL",
            [("@token", claimToken), ("@now", now.ToUnixTimeMilliseconds())],
            cancellationToken, skipLocked: true);

    /// <summary>The earliest start after <paramref name="after"/> among unclaimed new tasks: when to look next.</summary>
    public async Task<DateTimeOffset?> NextStartAfterAsync(DateTimeOffset after, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var next = await db.Tasks
            .Where(t => t.Status == TaskState.New && t.StartTimestamp > after && t.ClaimedBy == null)
            .OrderBy(t => t.StartTimestamp)
            .Select(t => (DateTimeOffset?)t.StartTimestamp)
            .FirstOrDefaultAsync(cancellationToken);
        return next;
    }

    /// <summary>Gives unstarted claims back to the dispatcher: those of a node's earlier life, or those older than a cut-off.</summary>
    public async Task<int> ReleaseClaimsAsync(string? claimPrefix, DateTimeOffset? claimedBefore, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var claims = db.Tasks.Where(t => t.Status == TaskState.New && t.ClaimedBy != null);
        if (claimPrefix is not null) claims = claims.Where(t => t.ClaimedBy!.StartsWith(claimPrefix));
        if (claimedBefore is { } cutOff) claims = claims.Where(t => t.ClaimedTimestamp < cutOff);
        return await WriteGate.RunAsync(db, () => claims.ExecuteUpdateAsync(set => set
            .SetProperty(t => t.ClaimedBy, (string?)null)
            .SetProperty(t => t.ClaimedTimestamp, (DateTimeOffset?)null), cancellationToken), cancellationToken);
    }

    /// <summary>Gives specific claimed tasks back, if they are still new and still held by that claim.</summary>
    public async Task<int> ReleaseAsync(IReadOnlyList<string> ids, string claimToken, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await WriteGate.RunAsync(db, () => db.Tasks
            .Where(t => ids.Contains(t.Id) && t.Status == TaskState.New && t.ClaimedBy == claimToken)
            .ExecuteUpdateAsync(set => set
                .SetProperty(t => t.ClaimedBy, (string?)null)
                .SetProperty(t => t.ClaimedTimestamp, (DateTimeOffset?)null), cancellationToken), cancellationToken);
    }

    /// <summary>Tasks a node left in progress: their outcome is unknown.</summary>
    public async Task<IReadOnlyList<string>> FindInProgressClaimedByAsync(string claimPrefix, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Tasks
            .Where(t => t.Status == TaskState.InProgress && t.ClaimedBy != null && t.ClaimedBy.StartsWith(claimPrefix))
            .Select(t => t.Id)
            .ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Moves claimed tasks from <c>new</c> to <c>inProgress</c>, guarded by status and claim: a task canceled or
    /// re-claimed meanwhile is left alone. Returns the ids that moved: only those may be invoked.
    /// </summary>
    public Task<IReadOnlySet<string>> StartAsync(
        IReadOnlyList<string> ids, string claimToken, DateTimeOffset now, CancellationToken cancellationToken) =>
        UpdateReturningIdsAsync(ids,
            set: "\"Status\" = @inProgress, \"ExecutionStartTimestamp\" = @now, \"StatusChangedTimestamp\" = @now, \"UpdateTimestamp\" = @now",
            guard: "\"ClaimedBy\" = @token",
            [("@inProgress", InProgress), ("@token", claimToken), ("@now", now.ToUnixTimeMilliseconds())],
            cancellationToken, skipLocked: false);

    /// <summary>
    /// One guarded UPDATE of the given tasks that are still new; returns the ids it changed (those that still met the
    /// guard).
    /// <paramref name="skipLocked"/> is for claims only, where a row another node is busy with is rightly someone
    /// else's. A start must wait for a lock instead: the rows of a claim can be held for a moment by another node's
    /// claim round (PostgreSQL's FOR UPDATE may lock a row whose guard it then finds no longer met), and a start that
    /// skipped them would leave its tasks new and claimed, with no job left to start them, until the claim timeout.
    /// </summary>
    private async Task<IReadOnlySet<string>> UpdateReturningIdsAsync(
        IReadOnlyList<string> ids, string set, string guard, IEnumerable<(string Name, object Value)> parameters,
        CancellationToken cancellationToken, bool skipLocked)
    {
        var updated = new HashSet<string>(StringComparer.Ordinal);
        if (ids.Count == 0) return updated;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var command = await CommandAsync(db, cancellationToken);
        var dialect = SqlDialect.Of(db);
        // The rows are found by id: the status is checked on them, not used to find them.
        guard = $"{dialect.NotIndexed("\"Status\"")} = @new AND {guard}";
        var idList = string.Join(',', ids.Select((id, i) => command.AddParameter($"@id{i}", id)));
        command.CommandText = $"UPDATE \"Tasks\" SET {set} WHERE {guard} AND {(skipLocked ? dialect.IdsMeeting("Tasks", guard, idList) : $"\"Id\" IN ({idList})")} RETURNING \"Id\"";
        command.AddParameter("@new", New);
        foreach (var (name, value) in parameters) command.AddParameter(name, value);

        return await WriteGate.RunAsync<IReadOnlySet<string>>(db, async () =>
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) updated.Add(reader.GetString(0));
            return updated;
        }, cancellationToken);
    }

    private static async Task<DbCommand> CommandAsync(TasksDbContext db, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open) await db.Database.OpenConnectionAsync(cancellationToken);
        return connection.CreateCommand();
    }

}
