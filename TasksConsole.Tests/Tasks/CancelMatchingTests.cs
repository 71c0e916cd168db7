using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using TasksConsole.Core.Rql;
using TasksConsole.Core.Tasks;
using TasksConsole.Tests.Infrastructure;

namespace TasksConsole.Tests.Tasks;

public sealed class CancelMatchingTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero));
    private readonly TaskChangeFeed _feed = new();
    private readonly List<TaskChange> _published = [];
    private TestDatabase _database = null!;
    private TaskService _tasks = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _tasks = new TaskService(_database.Factory, _clock, _feed);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task CancelMatching_CancelsOnlyNewMatchingTasks_AndLeavesStartedOnesAlone()
    {
        var matching = await AddAsync(3, "x");
        var otherTag = await AddAsync(2, "y");
        var started = await AddAsync(1, "x", TaskState.InProgress);
        var done = await AddAsync(1, "x", TaskState.Complete);
        using var _ = _feed.Subscribe(_published.Add);

        var canceled = await _tasks.CancelMatchingAsync(Filter("eq(tags,x)"), progress: null);

        Assert.Equal(3, canceled);
        var statuses = await StatusesAsync();
        Assert.All(matching, id => Assert.Equal(TaskState.Canceled, statuses[id]));
        Assert.All(otherTag, id => Assert.Equal(TaskState.New, statuses[id]));
        Assert.Equal(TaskState.InProgress, statuses[started[0]]);
        Assert.Equal(TaskState.Complete, statuses[done[0]]);
        Assert.Equal(matching.Order(), _published.Select(c => c.TaskId).Order());
        Assert.All(_published, c => Assert.Equal((TaskChangeKind.StatusChanged, TaskState.Canceled), (c.Kind, c.Status)));
        // The tag index follows the status, so "tag + status" queries see the cancel at once.
        await using var db = _database.CreateContext();
        Assert.Equal(3, await db.TaskTags.CountAsync(t => t.Tag == "x" && t.Status == TaskState.Canceled));
    }

    [Fact]
    public async Task CancelMatching_WorksInChunks_ReportingTheRunningTotal_AndPublishingEveryCancel()
    {
        var ids = await AddAsync(TaskService.CancelChunkSize * 2 + 150, "bulk");
        var progress = new RecordingProgress();
        using var _ = _feed.Subscribe(_published.Add);

        var canceled = await _tasks.CancelMatchingAsync(null, progress);

        Assert.Equal(ids.Count, canceled);
        Assert.Equal([500, 1000, 1150], progress.Reports);
        Assert.Equal(ids.Count, _published.Select(c => c.TaskId).Distinct().Count());
        Assert.All((await StatusesAsync()).Values, status => Assert.Equal(TaskState.Canceled, status));
    }

    [Fact]
    public async Task CancelMatching_StopsBetweenChunks_WhenAskedTo_KeepingWhatItCanceled()
    {
        await AddAsync(TaskService.CancelChunkSize + 10, "bulk");
        using var stop = new CancellationTokenSource();
        var progress = new RecordingProgress(_ => stop.Cancel());

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _tasks.CancelMatchingAsync(null, progress, stop.Token));

        Assert.Equal([TaskService.CancelChunkSize], progress.Reports);
        var statuses = await StatusesAsync();
        Assert.Equal(TaskService.CancelChunkSize, statuses.Values.Count(s => s == TaskState.Canceled));
        Assert.Equal(10, statuses.Values.Count(s => s == TaskState.New));
    }

    [Fact]
    public async Task CancelMatching_LeavesTasksCreatedAfterItStarted()
    {
        var before = await AddAsync(2, "x");
        await using (var db = _database.CreateContext())
        {
            var later = _tasks.BuildTask(new NewTask("echo", Tags: ["x"]), Caller.System);
            later.CreationTimestamp = _clock.GetUtcNow().AddMinutes(1);
            db.Tasks.Add(later);
            await db.SaveChangesAsync();
        }

        var canceled = await _tasks.CancelMatchingAsync(Filter("eq(tags,x)"), progress: null);

        Assert.Equal(2, canceled);
        var statuses = await StatusesAsync();
        Assert.Equal(1, statuses.Values.Count(s => s == TaskState.New));
        Assert.All(before, id => Assert.Equal(TaskState.Canceled, statuses[id]));
    }

    [Fact]
    public async Task CancelMatching_WithNothingToCancel_ReportsZero()
    {
        await AddAsync(2, "x", TaskState.Failed);
        var progress = new RecordingProgress();

        Assert.Equal(0, await _tasks.CancelMatchingAsync(Filter("in(status,new,failed)"), progress));
        Assert.Empty(progress.Reports);
    }

    private static RqlNode? Filter(string rql) => RqlParser.Parse(rql).Filter;

    private Task<List<string>> AddAsync(int count, string tag, TaskState status = TaskState.New) =>
        StoredTasks.AddAsync(_database.Factory, _tasks, count, new NewTask("echo", Tags: [tag]), status);

    private async Task<Dictionary<string, TaskState>> StatusesAsync()
    {
        await using var db = _database.CreateContext();
        return await db.Tasks.ToDictionaryAsync(t => t.Id, t => t.Status);
    }

    /// <summary>Records reports as they happen (Progress&lt;T&gt; would post them to the thread pool, out of order).</summary>
    private sealed class RecordingProgress(Action<int>? onReport = null) : IProgress<int>
    {
        public List<int> Reports { get; } = [];

        public void Report(int value)
        {
            Reports.Add(value);
            onReport?.Invoke(value);
        }
    }
}
