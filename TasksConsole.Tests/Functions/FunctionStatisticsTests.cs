using Microsoft.Extensions.Time.Testing;
using TasksConsole.Core.Common;
using TasksConsole.Core.Functions;
using TasksConsole.Core.Tasks;
using TasksConsole.Tests.Infrastructure;

namespace TasksConsole.Tests.Functions;

public sealed class FunctionStatisticsTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Now);

    [Fact]
    public async Task Counts_OnlyTasksThatFinishedWithinTheWindow_ByFunctionAndOutcome()
    {
        await using var database = await TestDatabase.CreateAsync();
        await AddAsync(database,
            Finished("resize", TaskState.Complete, ago: TimeSpan.FromHours(1), took: 100),
            Finished("resize", TaskState.Complete, ago: TimeSpan.FromHours(23), took: 100),
            Finished("resize", TaskState.Failed, ago: TimeSpan.FromMinutes(5), took: 100),
            Finished("resize", TaskState.Retried, ago: TimeSpan.FromMinutes(6), took: 100),
            Finished("resize", TaskState.Complete, ago: TimeSpan.FromHours(25), took: 100),
            Finished("resize", TaskState.Canceled, ago: TimeSpan.FromHours(1), took: null),
            Finished("resize", TaskState.InProgress, ago: TimeSpan.FromMinutes(1), took: null),
            Finished("email", TaskState.Failed, ago: TimeSpan.FromHours(2), took: 50),
            Finished("old", TaskState.Complete, ago: TimeSpan.FromDays(3), took: 50));

        var stats = await new FunctionStatistics(database.Factory, _clock).GetAsync(FunctionStatistics.DefaultWindow);

        Assert.Equal(["email", "resize"], stats.Keys.Order());
        Assert.Equal((2, 1, 1), (stats["resize"].Succeeded, stats["resize"].Failed, stats["resize"].Retried));
        Assert.Equal((0, 1, 0), (stats["email"].Succeeded, stats["email"].Failed, stats["email"].Retried));
    }

    [Fact]
    public async Task Percentiles_AreNearestRankOverTheExecutionDurations()
    {
        await using var database = await TestDatabase.CreateAsync();
        // 1..20 seconds: nearest-rank p50 is the 10th value, p95 the 19th.
        await AddAsync(database, Enumerable.Range(1, 20)
            .Select(i => Finished("resize", i % 4 == 0 ? TaskState.Failed : TaskState.Complete, TimeSpan.FromMinutes(i), took: i * 1000))
            .Append(Finished("resize", TaskState.Complete, TimeSpan.FromHours(30), took: 999_000))
            .ToArray());

        var stats = (await new FunctionStatistics(database.Factory, _clock).GetAsync(FunctionStatistics.DefaultWindow))["resize"];

        Assert.Equal(TimeSpan.FromSeconds(10), stats.MedianDuration);
        Assert.Equal(TimeSpan.FromSeconds(19), stats.P95Duration);
        Assert.Equal(20, stats.DurationSamples);
    }

    [Fact]
    public async Task Percentiles_UseOnlyTheMostRecentExecutions_UpToTheSampleSize()
    {
        await using var database = await TestDatabase.CreateAsync();
        var recent = Enumerable.Range(0, FunctionStatistics.DurationSampleSize)
            .Select(i => Finished("busy", TaskState.Complete, TimeSpan.FromSeconds(i + 1), took: 10));
        var older = Enumerable.Range(0, 50)
            .Select(i => Finished("busy", TaskState.Complete, TimeSpan.FromHours(2) + TimeSpan.FromSeconds(i), took: 60_000));
        await AddAsync(database, [.. recent, .. older]);

        var stats = (await new FunctionStatistics(database.Factory, _clock).GetAsync(FunctionStatistics.DefaultWindow))["busy"];

        Assert.Equal(FunctionStatistics.DurationSampleSize + 50, stats.Succeeded);
        Assert.Equal(FunctionStatistics.DurationSampleSize, stats.DurationSamples);
        Assert.Equal(TimeSpan.FromMilliseconds(10), stats.P95Duration);
    }

    [Fact]
    public async Task OneFunction_CanBeAskedFor_AndOneWithoutExecutionTimesHasNoPercentiles()
    {
        await using var database = await TestDatabase.CreateAsync();
        await AddAsync(database,
            Finished("resize", TaskState.Failed, TimeSpan.FromMinutes(1), took: null),
            Finished("email", TaskState.Complete, TimeSpan.FromMinutes(1), took: 5));

        var stats = await new FunctionStatistics(database.Factory, _clock).GetAsync(FunctionStatistics.DefaultWindow, "resize");

        var resize = Assert.Single(stats).Value;
        Assert.Equal(1, resize.Failed);
        Assert.Null(resize.MedianDuration);
        Assert.Null(resize.P95Duration);
    }

    private TaskRecord Finished(string function, TaskState status, TimeSpan ago, int? took)
    {
        var changed = Now - ago;
        return new TaskRecord
        {
            Id = ObjectId.NewId(_clock),
            FunctionName = function,
            Status = status,
            CreationTimestamp = changed.AddMinutes(-1),
            UpdateTimestamp = changed,
            StartTimestamp = changed.AddMinutes(-1),
            StatusChangedTimestamp = changed,
            ExecutionStartTimestamp = took is null ? null : changed.AddMilliseconds(-took.Value),
            ExecutionEndTimestamp = took is null ? null : changed,
        };
    }

    private static async Task AddAsync(TestDatabase database, params TaskRecord[] tasks)
    {
        await using var db = database.CreateContext();
        db.Tasks.AddRange(tasks);
        await db.SaveChangesAsync();
    }
}
