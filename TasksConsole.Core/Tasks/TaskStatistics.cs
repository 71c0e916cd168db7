using Microsoft.EntityFrameworkCore;
using TasksConsole.Core.Data;

namespace TasksConsole.Core.Tasks;

/// <summary>Tasks that finished in one minute, by outcome.</summary>
public sealed record ThroughputPoint(DateTimeOffset Minute, int Completed, int Failed, int Retried);

/// <summary>
/// How late tasks started: execution start minus the start they asked for, as nearest-rank percentiles over
/// <see cref="Samples"/> tasks. Null percentiles when no task started in the window.
/// </summary>
public sealed record StartLagSummary(int Samples, TimeSpan? P50, TimeSpan? P95);

public sealed record FunctionFailureCount(string FunctionName, long Failures);

public sealed record DashboardStatistics(
    DateTimeOffset AsOf,
    IReadOnlyDictionary<TaskState, long> CountsByStatus,
    IReadOnlyList<ThroughputPoint> Throughput,
    StartLagSummary StartLag,
    IReadOnlyList<FunctionFailureCount> TopFailingFunctions);

/// <summary>
/// The dashboard's figures, computed in SQL so they stay cheap on a store of millions of tasks: the counts by
/// status read only an index, and every other query is bounded by a time window on an indexed column and returns
/// a handful of aggregate rows. Nothing here loads task rows.
/// </summary>
/// <remarks>
/// The hand-written queries name their index on SQLite (see <see cref="SqlDialect.Table"/>) because, without ANALYZE statistics, SQLite
/// prefers an equality on Status (which matches most of the store) to a recent time range (which matches little).
/// </remarks>
public sealed class TaskStatistics(IDbContextFactory<TasksDbContext> dbFactory, TimeProvider clock)
{
    public static readonly TimeSpan ThroughputWindow = TimeSpan.FromHours(1);
    public static readonly TimeSpan StartLagWindow = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan FailingFunctionsWindow = TimeSpan.FromHours(24);
    public const int TopFailingFunctionsCount = 5;

    private const long MillisecondsPerMinute = 60_000;

    private const string ByStatusChange = "IX_Tasks_StatusChangedTimestamp_Id";

    // {0}: from; {1}, {2}, {3}: the statuses counted.
    private static string ThroughputSql(SqlDialect dialect) => $$"""
        SELECT "Status", "StatusChangedTimestamp" / 60000 AS "Minute", CAST(COUNT(*) AS INTEGER) AS "Count"
        FROM {{dialect.Table("Tasks", ByStatusChange)}}
        WHERE "StatusChangedTimestamp" >= {0} AND "Status" IN ({1}, {2}, {3})
        GROUP BY "Status", "Minute"
        """;

    // {0}: from.
    private static string StartLagSql(SqlDialect dialect) => $$"""
        SELECT "LagMs", "LagRank", "Samples" FROM (
            SELECT "ExecutionStartTimestamp" - "StartTimestamp" AS "LagMs",
                   ROW_NUMBER() OVER (ORDER BY "ExecutionStartTimestamp" - "StartTimestamp") AS "LagRank",
                   COUNT(*) OVER () AS "Samples"
            FROM {{dialect.Table("Tasks", ByStatusChange)}}
            WHERE "StatusChangedTimestamp" >= {0} AND "ExecutionStartTimestamp" >= {0}) AS "Lags"
        WHERE "LagRank" = ("Samples" * 50 + 99) / 100 OR "LagRank" = ("Samples" * 95 + 99) / 100
        """;

    private readonly Lock _gate = new();
    private Flight? _running;
    private Flight? _queued;

    /// <summary>
    /// Every figure, as of the moment the computation starts, which is never before the call. Every open dashboard
    /// asks for this after changes, so callers share computations: one runs at a time, and the callers that arrive
    /// meanwhile all get the single one that starts after it. However many operators watch, the store computes the
    /// figures at most back to back.
    /// </summary>
    public Task<DashboardStatistics> GetDashboardAsync(CancellationToken cancellationToken = default)
    {
        Flight flight;
        var start = false;
        lock (_gate)
        {
            if (_running is null)
            {
                _running = flight = new Flight();
                start = true;
            }
            else
            {
                flight = _queued ??= new Flight();
            }
        }
        // Off the caller's thread: SQLite runs "async" queries synchronously, and the caller is a circuit's UI loop.
        if (start) _ = Task.Run(() => RunFlightsAsync(flight));
        return flight.Result.Task.WaitAsync(cancellationToken);
    }

    private async Task RunFlightsAsync(Flight flight)
    {
        while (true)
        {
            try
            {
                // Not the caller's token: others wait on the same result.
                flight.Result.TrySetResult(await ComputeDashboardAsync(CancellationToken.None));
            }
            catch (Exception ex)
            {
                flight.Result.TrySetException(ex);
            }
            lock (_gate)
            {
                if (_queued is null)
                {
                    _running = null;
                    return;
                }
                _running = flight = _queued;
                _queued = null;
            }
        }
    }

    private async Task<DashboardStatistics> ComputeDashboardAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return new DashboardStatistics(
            now,
            await CountByStatusAsync(db, cancellationToken),
            await ThroughputAsync(db, now, cancellationToken),
            await StartLagAsync(db, now, cancellationToken),
            await TopFailingFunctionsAsync(db, now, cancellationToken));
    }

    /// <summary>Every status, zero included, so callers need no defaults.</summary>
    public async Task<IReadOnlyDictionary<TaskState, long>> CountByStatusAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await CountByStatusAsync(db, cancellationToken);
    }

    /// <summary>One point per minute of the last hour, oldest first; the last point is the minute in progress.</summary>
    public async Task<IReadOnlyList<ThroughputPoint>> ThroughputAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await ThroughputAsync(db, clock.GetUtcNow(), cancellationToken);
    }

    /// <summary>Over the tasks whose execution started in the last 15 minutes.</summary>
    public async Task<StartLagSummary> StartLagAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await StartLagAsync(db, clock.GetUtcNow(), cancellationToken);
    }

    /// <summary>The functions with the most task_failed events in the last 24 hours, most first.</summary>
    public async Task<IReadOnlyList<FunctionFailureCount>> TopFailingFunctionsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await TopFailingFunctionsAsync(db, clock.GetUtcNow(), cancellationToken);
    }

    private static async Task<IReadOnlyDictionary<TaskState, long>> CountByStatusAsync(TasksDbContext db, CancellationToken cancellationToken)
    {
        // GROUP BY on the leading column of a Status index: SQLite answers it from the index, without the table.
        var rows = await db.Tasks
            .GroupBy(t => t.Status)
            .Select(g => new { Status = g.Key, Count = g.LongCount() })
            .ToListAsync(cancellationToken);
        var counts = Enum.GetValues<TaskState>().ToDictionary(state => state, _ => 0L);
        foreach (var row in rows) counts[row.Status] = row.Count;
        return counts;
    }

    private static async Task<IReadOnlyList<ThroughputPoint>> ThroughputAsync(TasksDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var buckets = (int)(ThroughputWindow.Ticks / TimeSpan.TicksPerMinute);
        var lastMinute = now.ToUnixTimeMilliseconds() / MillisecondsPerMinute;
        var firstMinute = lastMinute - buckets + 1;
        var from = firstMinute * MillisecondsPerMinute;

        // Terminal statuses never change again, so the status-changed time of a finished task is when it finished.
        var rows = await db.Database.SqlQueryRaw<MinuteRow>(
            ThroughputSql(SqlDialect.Of(db)), from, nameof(TaskState.Complete), nameof(TaskState.Failed), nameof(TaskState.Retried))
            .ToListAsync(cancellationToken);

        var completed = new int[buckets];
        var failed = new int[buckets];
        var retried = new int[buckets];
        foreach (var row in rows)
        {
            var index = row.Minute - firstMinute;
            // A clock step backwards can leave a few rows stamped after "now"; they belong to no bucket shown.
            if (index < 0 || index >= buckets) continue;
            var series = row.Status switch
            {
                nameof(TaskState.Complete) => completed,
                nameof(TaskState.Failed) => failed,
                _ => retried,
            };
            series[index] += row.Count;
        }
        return Enumerable.Range(0, buckets)
            .Select(i => new ThroughputPoint(
                DateTimeOffset.FromUnixTimeMilliseconds((firstMinute + i) * MillisecondsPerMinute), completed[i], failed[i], retried[i]))
            .ToList();
    }

    private static async Task<StartLagSummary> StartLagAsync(TasksDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var from = (now - StartLagWindow).ToUnixTimeMilliseconds();
        // Starting a task stamps its status change too, and later changes only move that stamp on, so the
        // status-changed range finds every task started in the window, through an index.
        // The percentile rows are picked in SQL (nearest rank: the ceil(p * n)-th smallest lag), so only two
        // rows come back however many tasks started.
        var rows = await db.Database.SqlQueryRaw<LagRow>(StartLagSql(SqlDialect.Of(db)), from)
            .ToListAsync(cancellationToken);
        if (rows.Count == 0) return new StartLagSummary(0, null, null);

        var samples = rows[0].Samples;
        TimeSpan At(int percent) =>
            TimeSpan.FromMilliseconds(rows.Single(r => r.LagRank == (samples * percent + 99) / 100).LagMs);
        return new StartLagSummary((int)samples, At(50), At(95));
    }

    private static async Task<IReadOnlyList<FunctionFailureCount>> TopFailingFunctionsAsync(
        TasksDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var from = now - FailingFunctionsWindow;
        // task_failed events are exactly the final failures, and their table is indexed by creation time.
        var rows = await db.TaskFailedEvents
            .Where(e => e.CreationTimestamp >= from)
            .GroupBy(e => e.FunctionName)
            .Select(g => new { FunctionName = g.Key, Failures = g.LongCount() })
            .OrderByDescending(r => r.Failures).ThenBy(r => r.FunctionName)
            .Take(TopFailingFunctionsCount)
            .ToListAsync(cancellationToken);
        return rows.Select(r => new FunctionFailureCount(r.FunctionName, r.Failures)).ToList();
    }

    private sealed class Flight
    {
        public TaskCompletionSource<DashboardStatistics> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class MinuteRow
    {
        public string Status { get; set; } = "";
        public long Minute { get; set; }
        public int Count { get; set; }
    }

    private sealed class LagRow
    {
        public long LagMs { get; set; }
        public long LagRank { get; set; }
        public long Samples { get; set; }
    }
}
