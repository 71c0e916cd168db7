using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TasksConsole.Core.Audit;
using TasksConsole.Core.Data;
using TasksConsole.Core.Functions;
using TasksConsole.Core.Tasks;
using TasksConsole.Core.Tasks.Retention;
using TasksConsole.Tests.Infrastructure;

namespace TasksConsole.Tests.Tasks.Retention;

/// <summary>The retention purge over a real store: what is past its period goes, with its tags and lines; nothing else.</summary>
public class TaskRetentionTests : IAsyncLifetime
{
    protected virtual StorageProvider Provider => StorageProvider.Sqlite;

    private static readonly DateTimeOffset Now = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Now);
    private TestDatabase _database = null!;
    private TaskService _tasks = null!;
    private AuditWriter _writer = null!;
    private AuditTrail _audit = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(Provider);
        _tasks = new TaskService(_database.Factory, _clock, new TaskChangeFeed(), new FunctionCatalog(_database.Factory, _clock));
        _writer = new AuditWriter(_database.Factory, NullLogger<AuditWriter>.Instance);
        _audit = new AuditTrail(_database.Factory, _writer, _clock);
    }

    public async Task DisposeAsync()
    {
        await _writer.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task OnlyTasksPastTheirStatussPeriod_ArePurged_NewAndRunningNever()
    {
        var oldComplete = await AddAsync(TaskState.Complete, age: TimeSpan.FromDays(31), count: 5);
        var youngComplete = await AddAsync(TaskState.Complete, age: TimeSpan.FromDays(29));
        var oldFailed = await AddAsync(TaskState.Failed, age: TimeSpan.FromDays(91));
        var youngFailed = await AddAsync(TaskState.Failed, age: TimeSpan.FromDays(31));
        var canceled = await AddAsync(TaskState.Canceled, age: TimeSpan.FromDays(1000));
        var retried = await AddAsync(TaskState.Retried, age: TimeSpan.FromDays(1000));
        var waiting = await AddAsync(TaskState.New, age: TimeSpan.FromDays(1000));
        var running = await AddAsync(TaskState.InProgress, age: TimeSpan.FromDays(1000));

        // Batches of two: five old complete tasks take three.
        var result = await Retention(new TaskRetentionOptions { Complete = TimeSpan.FromDays(30), Failed = TimeSpan.FromDays(90), BatchSize = 2 }).PurgeAsync();

        Assert.Equal(5, result.Tasks[TaskState.Complete]);
        Assert.Equal(1, result.Tasks[TaskState.Failed]);
        Assert.Equal(6, result.TotalTasks);
        var left = await RemainingAsync();
        List<string> kept = [.. youngComplete, .. youngFailed, .. canceled, .. retried, .. waiting, .. running];
        Assert.Equal(kept.Order(StringComparer.Ordinal), left);
        Assert.DoesNotContain(oldComplete[0], left);
        Assert.DoesNotContain(oldFailed[0], left);
    }

    [Fact]
    public async Task APurgedTask_TakesItsTagsAndLogLines_AndTheAuditTrailCountsWhatWent()
    {
        var old = (await AddAsync(TaskState.Complete, age: TimeSpan.FromDays(40), tags: ["billing"]))[0];
        var young = (await AddAsync(TaskState.Complete, age: TimeSpan.FromDays(1), tags: ["billing"]))[0];
        await AddLogLineAsync(old, Now.AddDays(-40));
        await AddLogLineAsync(young, Now.AddDays(-1));

        await Retention(new TaskRetentionOptions { Complete = TimeSpan.FromDays(30) }).PurgeAsync();

        await using var db = _database.CreateContext();
        Assert.Equal([young], await db.TaskTags.Where(t => t.Tag == "billing").Select(t => t.TaskId).ToListAsync());
        Assert.Equal([young], await db.TaskLogLines.Select(l => l.TaskId).ToListAsync());
        await _writer.FlushAsync();
        var entry = Assert.Single(await db.AuditEntries.Where(e => e.Action == AuditActions.TasksPurge).ToListAsync());
        Assert.Contains("Purged 1 task (1 complete)", entry.Summary);
        Assert.Equal(AuditActor.System.Name, entry.ActorName);
    }

    [Fact]
    public async Task LogLines_HaveTheirOwnPeriod_AndGoOldestFirst_WhileTheirTasksStay()
    {
        var task = (await AddAsync(TaskState.Complete, age: TimeSpan.FromDays(400)))[0];
        for (var day = 10; day >= 1; day--) await AddLogLineAsync(task, Now.AddDays(-day));

        var result = await Retention(new TaskRetentionOptions { LogLines = TimeSpan.FromDays(5) + TimeSpan.FromHours(1), BatchSize = 2 }).PurgeAsync();

        Assert.Equal(5, result.LogLines);
        Assert.Equal(0, result.TotalTasks);
        await using var db = _database.CreateContext();
        var kept = await db.TaskLogLines.Select(l => l.Timestamp).ToListAsync();
        Assert.Equal(5, kept.Count);
        Assert.All(kept, timestamp => Assert.True(timestamp > Now.AddDays(-6)));
        Assert.Equal([task], await RemainingAsync());
    }

    [Fact]
    public async Task ARetryChainWhoseFirstAttemptWasPurged_StillLoads_WithTheAttemptsThatRemain()
    {
        var first = (await AddAsync(TaskState.Retried, age: TimeSpan.FromDays(100)))[0];
        var retry = (await AddAsync(TaskState.Complete, age: TimeSpan.FromDays(1)))[0];
        await using (var db = _database.CreateContext())
        {
            (await db.Tasks.FindAsync(first))!.RetriedByTaskId = retry;
            (await db.Tasks.FindAsync(retry))!.RetryForTaskIds = [first];
            await db.SaveChangesAsync();
        }

        await Retention(new TaskRetentionOptions { Retried = TimeSpan.FromDays(30) }).PurgeAsync();

        await using var read = _database.CreateContext();
        var last = await read.Tasks.AsNoTracking().SingleAsync(t => t.Id == retry);
        Assert.Equal([first], last.RetryForTaskIds);
        var chain = await new RetryChainQueries(_database.Factory).LoadAsync(last);
        Assert.Equal([retry], chain.Select(a => a.Id));
    }

    [Fact]
    public async Task TheDefaults_KeepEverything()
    {
        await AddAsync(TaskState.Complete, age: TimeSpan.FromDays(5000));
        var options = new TaskRetentionOptions();

        var result = await Retention(options).PurgeAsync();

        Assert.False(options.Enabled);
        Assert.Equal(0, result.TotalTasks + result.LogLines);
        Assert.Single(await RemainingAsync());
    }

    /// <summary>No pause between batches: the fake clock would hold the purge until advanced.</summary>
    private TaskRetention Retention(TaskRetentionOptions options)
    {
        options.BatchPause = TimeSpan.Zero;
        return new(_database.Factory, _audit, Options.Create(options), _clock, NullLogger<TaskRetention>.Instance);
    }

    private async Task<List<string>> AddAsync(TaskState status, TimeSpan age, int count = 1, string[]? tags = null) =>
        await StoredTasks.AddAsync(_database.Factory, _tasks, count, new NewTask("resize", Tags: tags, StartTimestamp: Now - age), status,
            task => task.StatusChangedTimestamp = Now - age);

    private async Task AddLogLineAsync(string taskId, DateTimeOffset at)
    {
        await using var db = _database.CreateContext();
        db.TaskLogLines.Add(new TaskLogLine { TaskId = taskId, Timestamp = at, Message = $"line at {at:O}" });
        await db.SaveChangesAsync();
    }

    private async Task<List<string>> RemainingAsync()
    {
        await using var db = _database.CreateContext();
        return (await db.Tasks.Select(t => t.Id).ToListAsync()).Order(StringComparer.Ordinal).ToList();
    }
}

/// <summary>The same on PostgreSQL.</summary>
public sealed class PostgreSqlTaskRetentionTests : TaskRetentionTests
{
    protected override StorageProvider Provider => StorageProvider.PostgreSql;
}
