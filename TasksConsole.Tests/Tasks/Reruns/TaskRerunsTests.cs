using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using TasksConsole.Core.Common;
using TasksConsole.Core.Execution;
using TasksConsole.Core.Functions;
using TasksConsole.Core.Rql;
using TasksConsole.Core.Tasks;
using TasksConsole.Core.Tasks.Reruns;
using TasksConsole.Tests.Infrastructure;

namespace TasksConsole.Tests.Tasks.Reruns;

public sealed class TaskRerunsTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero));
    private readonly TaskChangeFeed _feed = new();
    private TestDatabase _database = null!;
    private TaskService _tasks = null!;
    private TaskReruns _reruns = null!;
    private FunctionService _functions = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        var catalog = new FunctionCatalog(_database.Factory, _clock);
        _functions = new FunctionService(_database.Factory, _clock, catalog);
        _tasks = new TaskService(_database.Factory, _clock, _feed, catalog);
        _reruns = new TaskReruns(_database.Factory, _tasks, new TaskQueries(_database.Factory), catalog, _clock, NullLogger<TaskReruns>.Instance);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task ARerun_CopiesOnlyTheFailedCanceledAndRetriedTasksThatMatch_EachLinkedToItsOriginal()
    {
        var failed = await AddAsync(2, "x", TaskState.Failed);
        var canceled = await AddAsync(1, "x", TaskState.Canceled);
        var retried = await AddAsync(1, "x", TaskState.Retried);
        var untouched = (await AddAsync(1, "x", TaskState.New))
            .Concat(await AddAsync(1, "x", TaskState.InProgress))
            .Concat(await AddAsync(1, "x", TaskState.Complete))
            .Concat(await AddAsync(2, "y", TaskState.Failed)).ToList();
        var created = new List<TaskChange>();
        using var _ = _feed.Subscribe(created.Add);

        var result = await _reruns.RerunMatchingAsync(Filter("eq(tags,x)"), RerunOptions.Default, new Caller("operator-1", null), afterChunk: null);

        Assert.Equal(new RerunResult(4, Stopped: false), result);
        var copies = await CopiesAsync();
        Assert.Equal(failed.Concat(canceled).Concat(retried).Order(), copies.Select(c => c.RerunOfTaskId!).Order());
        Assert.All(copies, copy => Assert.Equal((TaskState.New, "operator-1", "x"), (copy.Status, copy.CreatedByUserId, string.Join(',', copy.Tags))));
        Assert.DoesNotContain(copies, copy => untouched.Contains(copy.RerunOfTaskId!));
        // The dispatcher hears of every copy, as of any new task.
        Assert.Equal(copies.Select(c => c.Id).Order(), created.Where(c => c.Kind == TaskChangeKind.Created).Select(c => c.TaskId).Order());
    }

    [Fact]
    public async Task ACopy_KeepsItsOriginalsCall_AndTheOptionsDecidePriorityStartAndAnExtraTag()
    {
        await _functions.CreateAsync(new FunctionDefinition { Name = "echo", DefaultPriority = 7 });
        var original = (await AddAsync(1, "x", TaskState.Failed, priority: 3, start: _clock.GetUtcNow().AddHours(-1), data: """{"n":1}"""))[0];
        var originalStart = (await FindAsync(original)).StartTimestamp;

        await _reruns.RerunMatchingAsync(null, RerunOptions.Default, Caller.System, null);
        _clock.Advance(TimeSpan.FromSeconds(1));
        await _reruns.RerunMatchingAsync(Filter($"eq(id,{original})"), new RerunOptions(KeepPriority: false, KeepStartTimestamp: true, AddTag: "rerun-1"), Caller.System, null);

        var copies = (await CopiesAsync()).OrderBy(c => c.CreationTimestamp).ToList();
        Assert.Equal(2, copies.Count);
        Assert.All(copies, copy => Assert.Equal(("echo", """{"n":1}"""), (copy.FunctionName, copy.DataJson)));
        Assert.Equal((3L, copies[0].CreationTimestamp, "x"), (copies[0].Priority, copies[0].StartTimestamp, string.Join(',', copies[0].Tags)));
        Assert.Equal((7L, originalStart, "x,rerun-1"), (copies[1].Priority, copies[1].StartTimestamp, string.Join(',', copies[1].Tags)));
        // The added tag is in the tag index too, so the batch is found by it.
        await using var db = _database.CreateContext();
        Assert.Equal(copies[1].Id, await db.TaskTags.Where(t => t.Tag == "rerun-1").Select(t => t.TaskId).SingleAsync());
    }

    [Fact]
    public async Task ARerun_WorksInChunks_AndStopsBetweenThem_KeepingTheCopiesMade()
    {
        await AddAsync(TaskReruns.ChunkSize * 2 + 10, "bulk", TaskState.Failed);
        using var stop = new CancellationTokenSource();
        var reports = new List<long>();

        var result = await _reruns.RerunMatchingAsync(null, RerunOptions.Default, Caller.System, async soFar =>
        {
            reports.Add(soFar);
            await stop.CancelAsync();
        }, stop.Token);

        Assert.Equal(new RerunResult(TaskReruns.ChunkSize, Stopped: true), result);
        Assert.Equal([TaskReruns.ChunkSize], reports);
        Assert.Equal(TaskReruns.ChunkSize, (await CopiesAsync()).Count);
    }

    [Fact]
    public async Task TheCount_SaysHowManyWouldBeCopied_AndHowManyWereZombies()
    {
        await AddAsync(3, "x", TaskState.Failed);
        await AddAsync(2, "x", TaskState.Failed, errorName: TaskOutcome.ZombieErrorName);
        await AddAsync(4, "x", TaskState.New);

        Assert.Equal((5L, 2L), await _reruns.CountAsync(Filter("eq(tags,x)")));
        Assert.Equal((0L, 0L), await _reruns.CountAsync(Filter("eq(tags,none)")));
    }

    [Fact]
    public async Task AJob_RecordsItsProgressAndOutcome_AndCanBeFoundByItsCopies()
    {
        var originals = await AddAsync(3, "x", TaskState.Canceled);
        using var runner = new CancellationTokenSource();
        var running = new RerunJobRunner(_reruns);
        await running.StartAsync(runner.Token);

        var job = await _reruns.StartJobAsync(Filter("eq(tags,x)"), RerunOptions.Default, new Caller("operator-1", null));
        Assert.Equal((RerunJobState.Running, 3L, "eq(tags,x)"), (job.State, job.Total, job.Filter));
        var done = await WaitForJobAsync(job.Id);
        await running.StopAsync(CancellationToken.None);

        Assert.Equal((RerunJobState.Complete, 3L, (string?)null), (done.State, done.Created, done.Error));
        Assert.NotNull(done.FinishedTimestamp);
        Assert.Equal(originals.Order(), (await CopiesAsync()).Select(c => c.RerunOfTaskId!).Order());
    }

    [Fact]
    public async Task ATagTooLong_IsRefused_BeforeAnythingIsCopied()
    {
        await AddAsync(1, "x", TaskState.Failed);

        var error = await Assert.ThrowsAsync<ServiceException>(() =>
            _reruns.RerunMatchingAsync(null, new RerunOptions(AddTag: new string('t', TaskLimits.MaxTagLength + 1)), Caller.System, null));

        Assert.Equal(ErrorCode.FieldFormat, error.Error);
        Assert.Empty(await CopiesAsync());
    }

    private async Task<RerunJobRecord> WaitForJobAsync(string id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var job = await _reruns.FindJobAsync(id);
            if (job is not { State: RerunJobState.Running }) return job!;
            if (DateTime.UtcNow > deadline) Assert.Fail($"The job is still running after 30 s: {job.Created} of {job.Total} copied.");
            await Task.Delay(20);
        }
    }

    private static RqlNode? Filter(string rql) => RqlParser.Parse(rql).Filter;

    private Task<List<string>> AddAsync(int count, string tag, TaskState status, long priority = 0, DateTimeOffset? start = null,
        string? data = null, string? errorName = null) =>
        StoredTasks.AddAsync(_database.Factory, _tasks, count, new NewTask("echo", data, priority, start, Tags: [tag]), status,
            task => { if (errorName is not null) task.SetError("invocation", errorName, "lost"); });

    private async Task<TaskRecord> FindAsync(string id)
    {
        await using var db = _database.CreateContext();
        return await db.Tasks.AsNoTracking().SingleAsync(t => t.Id == id);
    }

    private async Task<List<TaskRecord>> CopiesAsync()
    {
        await using var db = _database.CreateContext();
        return await db.Tasks.AsNoTracking().Where(t => t.RerunOfTaskId != null).ToListAsync();
    }
}
