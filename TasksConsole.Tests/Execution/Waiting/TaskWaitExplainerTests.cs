using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TasksConsole.Core.Data;
using TasksConsole.Core.Execution;
using TasksConsole.Core.Execution.Pauses;
using TasksConsole.Core.Execution.Waiting;
using TasksConsole.Core.Functions;
using TasksConsole.Core.Tasks;
using TasksConsole.Tests.Infrastructure;

namespace TasksConsole.Tests.Execution.Waiting;

/// <summary>"Why is it waiting?" and the stuck list, over a real store with a fake clock.</summary>
public class TaskWaitExplainerTests : IAsyncLifetime
{
    protected virtual StorageProvider Provider => StorageProvider.Sqlite;

    private static readonly DateTimeOffset Now = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Now);
    private TestDatabase _database = null!;
    private TaskService _tasks = null!;
    private FunctionService _functions = null!;
    private DispatchPauses _pauses = null!;
    private TaskWaitExplainer _explainer = null!;
    private StuckTasks _stuck = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(Provider);
        var catalog = new FunctionCatalog(_database.Factory, _clock);
        var options = Options.Create(new ExecutionOptions());
        _functions = new FunctionService(_database.Factory, _clock, catalog);
        _tasks = new TaskService(_database.Factory, _clock, new TaskChangeFeed(), catalog);
        _pauses = new DispatchPauses(_database.Factory, catalog, new DispatchSignal(), _clock, NullLogger<DispatchPauses>.Instance);
        _explainer = new TaskWaitExplainer(_database.Factory, _pauses, catalog, new NodeQueries(_database.Factory, options, _clock), _clock);
        _stuck = new StuckTasks(_database.Factory, catalog, new FunctionStatistics(_database.Factory, _clock), options, _clock);
        await _functions.CreateAsync(new FunctionDefinition { Name = "resize", ConcurrencyLimit = 2, TimeLimitSeconds = 60 });
        await AddNodeAsync(dispatches: true);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task ATaskWhoseStartIsToCome_WaitsForIt()
    {
        var id = await AddAsync("resize", start: Now.AddMinutes(5));

        var wait = await _explainer.ExplainAsync(id);

        Assert.Equal([TaskWaitReason.StartsLater], wait!.Reasons);
        Assert.Equal(Now.AddMinutes(5), wait.StartTimestamp);
    }

    [Fact]
    public async Task ADueTaskWithNothingAhead_IsDue()
    {
        var id = await AddAsync("resize");

        Assert.Equal([TaskWaitReason.Due], (await _explainer.ExplainAsync(id))!.Reasons);
    }

    [Fact]
    public async Task TasksAhead_AreCountedInQueueOrder_HigherPriorityOrEarlierStart_NotThoseBehind()
    {
        await AddAsync("other", priority: 5, start: Now.AddMinutes(-1));
        await AddAsync("other", priority: 1, start: Now.AddMinutes(-3));
        var id = await AddAsync("resize", priority: 1, start: Now.AddMinutes(-2));
        await AddAsync("other", priority: 1, start: Now.AddMinutes(-1));
        await AddAsync("other", priority: 0, start: Now.AddMinutes(-9));
        // Not due yet, so not ahead whatever its priority.
        await AddAsync("other", priority: 9, start: Now.AddMinutes(1));

        var wait = await _explainer.ExplainAsync(id);

        Assert.Equal([TaskWaitReason.QueuedBehind], wait!.Reasons);
        Assert.Equal(2, wait.AheadInQueue);
    }

    [Fact]
    public async Task APause_ADisabledFunction_AndAFullConcurrencyLimit_AreAllGiven_PauseFirst()
    {
        var id = await AddAsync("resize");
        await AddAsync("resize", TaskState.InProgress, count: 2);
        await _functions.SetEnabledAsync("resize", false);
        await _pauses.PauseAsync("resize", "CDN migration", null, new PausedBy("u1", "ops@example.com"));

        var wait = await _explainer.ExplainAsync(id);

        Assert.Equal([TaskWaitReason.Paused, TaskWaitReason.FunctionDisabled, TaskWaitReason.ConcurrencyLimit], wait!.Reasons);
        Assert.Equal(("CDN migration", 2L, (int?)2), (wait.Pause!.Reason, wait.RunningOfFunction, wait.ConcurrencyLimit));
    }

    [Fact]
    public async Task TheServicePause_HoldsEveryFunction()
    {
        var id = await AddAsync("unregistered-function");
        await _pauses.PauseAsync(null, "database failover", null, new PausedBy("u1", "ops@example.com"));

        var wait = await _explainer.ExplainAsync(id);

        Assert.Equal([TaskWaitReason.Paused], wait!.Reasons);
        Assert.True(wait.Pause!.IsServiceWide);
    }

    [Fact]
    public async Task WithoutALiveDispatchingNode_NothingClaims()
    {
        var id = await AddAsync("resize");
        _clock.Advance(new ExecutionOptions().NodeTimeout + TimeSpan.FromSeconds(1));

        var wait = await _explainer.ExplainAsync(id);

        Assert.Contains(TaskWaitReason.NoDispatcher, wait!.Reasons);
        Assert.Equal(0, wait.DispatchingNodes);
    }

    [Fact]
    public async Task AClaimedTask_IsAboutToStart()
    {
        await AddAsync("other", priority: 9);
        var id = await AddAsync("resize", adjust: t => (t.ClaimedBy, t.ClaimedTimestamp) = ("node-a:claim-1", Now));

        var wait = await _explainer.ExplainAsync(id);

        // Claimed, it no longer waits in the queue: what is ahead does not hold it.
        Assert.Equal([TaskWaitReason.Claimed], wait!.Reasons);
        Assert.Equal("node-a:claim-1", wait.ClaimedBy);
    }

    [Theory]
    [InlineData(TaskState.InProgress)]
    [InlineData(TaskState.Complete)]
    [InlineData(TaskState.Canceled)]
    public async Task OnlyANewTask_IsExplained(TaskState status)
    {
        var id = await AddAsync("resize", status);

        Assert.Null(await _explainer.ExplainAsync(id));
    }

    [Fact]
    public async Task StuckTasks_ArePastTheirTimeLimit_OrTheirUsualP95_LongestFirst()
    {
        // resize: 30 recent executions of 10 s make a p95 of 10 s; its time limit is 60 s.
        await AddAsync("resize", TaskState.Complete, count: 30, adjust: t =>
        {
            t.ExecutionStartTimestamp = Now.AddMinutes(-30);
            t.ExecutionEndTimestamp = t.StatusChangedTimestamp = Now.AddMinutes(-30).AddSeconds(10);
        });
        var pastLimit = await AddAsync("resize", TaskState.InProgress, adjust: t => t.ExecutionStartTimestamp = Now.AddSeconds(-90));
        var slow = await AddAsync("resize", TaskState.InProgress, adjust: t => t.ExecutionStartTimestamp = Now.AddSeconds(-20));
        await AddAsync("resize", TaskState.InProgress, adjust: t => t.ExecutionStartTimestamp = Now.AddSeconds(-5));
        // Unknown to the registry and without a history: only the default time limit (30 s) counts.
        await AddAsync("unregistered-function", TaskState.InProgress, adjust: t => t.ExecutionStartTimestamp = Now.AddSeconds(-20));
        var unregisteredPastLimit = await AddAsync("unregistered-function", TaskState.InProgress, adjust: t => t.ExecutionStartTimestamp = Now.AddSeconds(-40));

        var stuck = await _stuck.ListAsync();

        Assert.Equal(
            [(pastLimit, StuckThreshold.TimeLimit, 60.0), (unregisteredPastLimit, StuckThreshold.TimeLimit, 30.0), (slow, StuckThreshold.UsualP95, 10.0)],
            stuck.Select(t => (t.Id, t.Threshold, t.Bound.TotalSeconds)).ToList());
    }

    private async Task<string> AddAsync(
        string functionName, TaskState status = TaskState.New, long priority = 0, DateTimeOffset? start = null, int count = 1, Action<TaskRecord>? adjust = null)
    {
        var ids = await StoredTasks.AddAsync(_database.Factory, _tasks, count, new NewTask(functionName, Priority: priority, StartTimestamp: start ?? Now), status, adjust);
        return ids[0];
    }

    private async Task AddNodeAsync(bool dispatches)
    {
        await using var db = _database.CreateContext();
        db.Nodes.Add(new NodeRecord { Id = "node-a", HostName = "host-a", Version = "test", StartedTimestamp = Now, HeartbeatTimestamp = Now, Dispatches = dispatches });
        await db.SaveChangesAsync();
    }
}

/// <summary>The same on PostgreSQL, whose string comparison and counting must agree with SQLite's.</summary>
public sealed class PostgreSqlTaskWaitExplainerTests : TaskWaitExplainerTests
{
    protected override StorageProvider Provider => StorageProvider.PostgreSql;
}
