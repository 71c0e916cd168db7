using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using TasksConsole.Core.Data;
using TasksConsole.Core.Tasks;
using TasksConsole.Tests.Infrastructure;
using static TasksConsole.Tests.Infrastructure.ConsoleStore;

namespace TasksConsole.Tests.Tasks;

public class TaskStatisticsTests : IAsyncLifetime
{
    /// <summary>The store; <see cref="PostgreSqlTaskStatisticsTests"/> runs every test on PostgreSQL.</summary>
    protected virtual StorageProvider Provider => StorageProvider.Sqlite;

    // Mid-minute, so that minute buckets and "now" differ.
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 30, 20, TimeSpan.Zero);
    private TestDatabase _database = null!;
    private TaskStatistics _statistics = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(Provider);
        _statistics = new TaskStatistics(_database.Factory, new FakeTimeProvider(Now));
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task CountsTasksByStatus_WithZeroForAbsentStatuses()
    {
        var n = 0;
        await _database.SeedAsync([
            .. Enumerable.Range(0, 3).Select(_ => TaskRow(++n, TaskState.New)),
            .. Enumerable.Range(0, 2).Select(_ => TaskRow(++n, TaskState.InProgress)),
            .. Enumerable.Range(0, 5).Select(_ => TaskRow(++n, TaskState.Complete)),
            TaskRow(++n, TaskState.Failed),
        ]);

        var counts = await _statistics.CountByStatusAsync();

        Assert.Equal(3, counts[TaskState.New]);
        Assert.Equal(2, counts[TaskState.InProgress]);
        Assert.Equal(5, counts[TaskState.Complete]);
        Assert.Equal(1, counts[TaskState.Failed]);
        Assert.Equal(0, counts[TaskState.Retried]);
        Assert.Equal(0, counts[TaskState.Canceled]);
    }

    [Fact]
    public async Task Throughput_CountsFinishedTasksPerMinute_OverTheLastHour()
    {
        var thisMinute = new DateTimeOffset(2026, 3, 1, 12, 30, 0, TimeSpan.Zero);
        await _database.SeedAsync(
            TaskRow(1, TaskState.Complete, statusChanged: thisMinute.AddSeconds(5)),
            TaskRow(2, TaskState.Complete, statusChanged: thisMinute.AddSeconds(15)),
            TaskRow(3, TaskState.Failed, statusChanged: thisMinute.AddSeconds(1)),
            TaskRow(4, TaskState.Complete, statusChanged: thisMinute.AddMinutes(-10).AddSeconds(59)),
            TaskRow(5, TaskState.Retried, statusChanged: thisMinute.AddMinutes(-10)),
            TaskRow(6, TaskState.Complete, statusChanged: thisMinute.AddMinutes(-59)),
            // Outside the window, or not finished: not counted.
            TaskRow(7, TaskState.Complete, statusChanged: thisMinute.AddMinutes(-60).AddMilliseconds(-1)),
            TaskRow(8, TaskState.InProgress, statusChanged: thisMinute),
            TaskRow(9, TaskState.Canceled, statusChanged: thisMinute));

        var points = await _statistics.ThroughputAsync();

        Assert.Equal(60, points.Count);
        Assert.Equal(thisMinute.AddMinutes(-59), points[0].Minute);
        Assert.Equal(thisMinute, points[^1].Minute);
        Assert.Equal((2, 1, 0), (points[^1].Completed, points[^1].Failed, points[^1].Retried));
        Assert.Equal((1, 0, 1), (points[^11].Completed, points[^11].Failed, points[^11].Retried));
        Assert.Equal(1, points[0].Completed);
        Assert.Equal(4, points.Sum(p => p.Completed));
        Assert.Equal(1, points.Sum(p => p.Failed));
        Assert.Equal(1, points.Sum(p => p.Retried));
    }

    [Fact]
    public async Task StartLag_IsTheNearestRankPercentile_OfTasksStartedInTheLast15Minutes()
    {
        // Twenty tasks started in the window with lags of 1..20 s, inserted out of order.
        var started = Enumerable.Range(1, 20)
            .OrderBy(i => (i * 7) % 20)
            .Select(i =>
            {
                var executionStart = Now.AddMinutes(-14).AddSeconds(i * 10);
                return TaskRow(i, TaskState.Complete, start: executionStart.AddSeconds(-i), executionStart: executionStart,
                    statusChanged: executionStart.AddSeconds(1), executionEnd: executionStart.AddSeconds(1));
            });
        var tooOld = Now.AddMinutes(-16);
        await _database.SeedAsync([
            .. started,
            // Started before the window (though it finished inside it), and never started: not samples.
            TaskRow(21, TaskState.Complete, start: tooOld.AddHours(-1), executionStart: tooOld, statusChanged: Now.AddMinutes(-1)),
            TaskRow(22, TaskState.New, start: Now.AddMinutes(-5)),
        ]);

        var lag = await _statistics.StartLagAsync();

        Assert.Equal(20, lag.Samples);
        Assert.Equal(TimeSpan.FromSeconds(10), lag.P50);
        Assert.Equal(TimeSpan.FromSeconds(19), lag.P95);
    }

    [Fact]
    public async Task StartLag_IsEmpty_WhenNothingStarted()
    {
        await _database.SeedAsync(TaskRow(1, TaskState.New));

        var lag = await _statistics.StartLagAsync();

        Assert.Equal(new StartLagSummary(0, null, null), lag);
    }

    [Fact]
    public async Task TopFailingFunctions_AreTheFiveWithMostFailuresInTheLastDay()
    {
        var n = 0;
        IEnumerable<object> Failures(string function, int count, TimeSpan ago) =>
            Enumerable.Range(0, count).Select(_ => FailedEvent(++n, function, Now - ago));
        await _database.SeedAsync([
            .. Failures("alpha", 3, TimeSpan.FromHours(1)),
            .. Failures("bravo", 5, TimeSpan.FromHours(23)),
            .. Failures("charlie", 1, TimeSpan.FromMinutes(1)),
            .. Failures("delta", 2, TimeSpan.FromHours(2)),
            .. Failures("echo", 2, TimeSpan.FromHours(3)),
            .. Failures("foxtrot", 4, TimeSpan.FromMinutes(30)),
            .. Failures("golf", 10, TimeSpan.FromHours(25)),
        ]);

        var top = await _statistics.TopFailingFunctionsAsync();

        Assert.Equal(
            [("bravo", 5L), ("foxtrot", 4L), ("alpha", 3L), ("delta", 2L), ("echo", 2L)],
            top.Select(f => (f.FunctionName, f.Failures)));
    }

    [Fact]
    public async Task Dashboard_GathersEveryFigure()
    {
        await _database.SeedAsync(
            TaskRow(1, TaskState.Complete, start: Now.AddMinutes(-2), executionStart: Now.AddMinutes(-2).AddSeconds(3), statusChanged: Now.AddMinutes(-1)),
            FailedEvent(2, "bravo", Now.AddMinutes(-1)));

        var dashboard = await _statistics.GetDashboardAsync();

        Assert.Equal(Now, dashboard.AsOf);
        Assert.Equal(1, dashboard.CountsByStatus[TaskState.Complete]);
        Assert.Equal(1, dashboard.Throughput.Sum(p => p.Completed));
        Assert.Equal(TimeSpan.FromSeconds(3), dashboard.StartLag.P50);
        Assert.Equal("bravo", Assert.Single(dashboard.TopFailingFunctions).FunctionName);
    }

    [Fact]
    public async Task ConcurrentDashboards_ShareComputations()
    {
        await _database.SeedAsync(TaskRow(1, TaskState.Complete));
        // The first computation waits at its store until every caller has asked: without that, on a fast machine it
        // could finish between two callers, and the next caller would rightly start a computation of its own.
        var store = new GatedFactory(_database.Factory);
        var statistics = new TaskStatistics(store, new FakeTimeProvider(Now));

        var asking = Enumerable.Range(0, 8).Select(_ => statistics.GetDashboardAsync()).ToList();
        store.Open();
        var snapshots = await Task.WhenAll(asking);

        // The first caller's computation, and one more shared by everyone who asked while it ran.
        Assert.InRange(snapshots.Distinct(ReferenceEqualityComparer.Instance).Count(), 1, 2);
        Assert.All(snapshots, s => Assert.Equal(1, s.CountsByStatus[TaskState.Complete]));
    }
}

/// <summary>Every dashboard figure again, computed by the PostgreSQL form of its SQL.</summary>
public sealed class PostgreSqlTaskStatisticsTests : TaskStatisticsTests
{
    protected override StorageProvider Provider => StorageProvider.PostgreSql;
}

/// <summary>A store whose contexts are handed out only once <see cref="Open"/> is called.</summary>
file sealed class GatedFactory(IDbContextFactory<TasksDbContext> inner) : IDbContextFactory<TasksDbContext>
{
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Open() => _open.TrySetResult();

    public TasksDbContext CreateDbContext() => inner.CreateDbContext();

    public async Task<TasksDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default)
    {
        await _open.Task.WaitAsync(cancellationToken);
        return await inner.CreateDbContextAsync(cancellationToken);
    }
}
