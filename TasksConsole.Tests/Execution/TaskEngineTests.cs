using Microsoft.EntityFrameworkCore;
using TasksConsole.Core.Data;
using TasksConsole.Core.Execution;
using TasksConsole.Core.Execution.Lambda;
using Microsoft.Extensions.DependencyInjection;
using TasksConsole.Core.Tasks;
using TasksConsole.Tests.Infrastructure;

namespace TasksConsole.Tests.Execution;

public class TaskEngineTests
{
    /// <summary>The store the engines run on; <see cref="PostgreSqlTaskEngineTests"/> runs every test on PostgreSQL.</summary>
    protected virtual StorageProvider Provider => StorageProvider.Sqlite;

    private Task<EngineHarness> CreateEngineAsync(
        Action<ExecutionOptions>? configure = null, TestDatabase? database = null, ScriptedLambda? lambda = null,
        bool startDispatcher = true, TimeProvider? clock = null) =>
        EngineHarness.CreateAsync(configure, database, lambda, startDispatcher, clock, Provider);

    [Fact]
    public async Task DueTasks_RunInQueueOrder_PriorityBeatsStartTime()
    {
        // One at a time, so the invocation order is the queue order.
        await using var engine = await CreateEngineAsync(o => { o.MaxConcurrency = 1; o.BatchSize = 1; }, startDispatcher: false);
        await engine.AddFunctionAsync("work");
        var past = DateTimeOffset.UtcNow.AddMinutes(-10);
        var oldLow = await engine.ScheduleAsync("work", priority: 1, start: past);
        var newHigh = await engine.ScheduleAsync("work", priority: 9, start: past.AddMinutes(5));
        var oldHigh = await engine.ScheduleAsync("work", priority: 9, start: past);
        var future = await engine.ScheduleAsync("work", priority: 100, start: DateTimeOffset.UtcNow.AddHours(1));

        await engine.StartDispatcherAsync();
        await engine.WaitUntilAsync(tasks => tasks.Count(t => t.Status == TaskState.Complete) == 3);

        Assert.Equal([oldHigh.Id, newHigh.Id, oldLow.Id], engine.Lambda.Calls.Select(c => c.TaskId).ToArray());
        Assert.Equal(TaskState.New, (await engine.GetAsync(future.Id)).Status);
    }

    [Fact]
    public async Task ConcurrencyLimits_HoldGloballyAndPerFunction()
    {
        await using var engine = await CreateEngineAsync(o => { o.MaxConcurrency = 4; o.BatchSize = 2; });
        await engine.AddFunctionAsync("narrow", concurrencyLimit: 1);
        await engine.AddFunctionAsync("wide");
        // Every call holds until the test has seen the engine at saturation, so what runs at once is observed, not raced.
        var gate = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        var maxNarrow = 0;
        engine.Lambda.Script = async (call, ct) =>
        {
            var now = running.AddOrUpdate(call.FunctionName, 1, (_, n) => n + 1);
            if (call.FunctionName == "narrow") InterlockedMax(ref maxNarrow, now);
            await gate.Task.WaitAsync(ct);
            running.AddOrUpdate(call.FunctionName, 0, (_, n) => n - 1);
            return ScriptedLambda.Ok("{}");
        };

        for (var i = 0; i < 6; i++) await engine.ScheduleAsync("narrow");
        for (var i = 0; i < 12; i++) await engine.ScheduleAsync("wide");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (engine.Lambda.Calls.Count < 4 && DateTime.UtcNow < deadline) await Task.Delay(20);
        await Task.Delay(300); // room for a fifth call, if the limits leaked
        var atSaturation = (Total: engine.Lambda.Calls.Count, Narrow: running.GetValueOrDefault("narrow"));
        gate.SetResult(true);
        await engine.WaitUntilAsync(tasks => tasks.All(t => t.Status == TaskState.Complete), TimeSpan.FromSeconds(30));

        Assert.Equal((4, 1), atSaturation);
        Assert.Equal(1, maxNarrow);
        Assert.Equal(4, engine.Lambda.MaxConcurrent);
        Assert.Equal(18, engine.Lambda.Calls.Count);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    [Fact]
    public async Task ACancelThatWinsTheRace_IsNeverInvoked()
    {
        await using var engine = await CreateEngineAsync(startDispatcher: false);
        await engine.AddFunctionAsync("work");
        var task = await engine.ScheduleAsync("work");
        var claimer = engine.Services.GetRequiredService<TaskClaimer>();
        var won = await claimer.ClaimAsync([task.Id], "test-node:race", DateTimeOffset.UtcNow, CancellationToken.None);
        Assert.Contains(task.Id, won);

        await engine.Tasks.CancelAsync(task.Id);
        await engine.Services.GetRequiredService<TaskRunner>().RunBatchAsync("test-node:race", [task.Id], CancellationToken.None);

        Assert.Empty(engine.Lambda.Calls);
        Assert.Equal(TaskState.Canceled, (await engine.GetAsync(task.Id)).Status);
    }

    [Fact]
    public async Task ABatchThatFails_BeforeStartingItsTasks_GivesThemBack_ForTheNextRoundToRun()
    {
        await using var engine = await CreateEngineAsync(startDispatcher: false);
        await engine.AddFunctionAsync("work");
        var started = await engine.ScheduleAsync("work");
        var later = await engine.ScheduleAsync("work", start: DateTimeOffset.UtcNow.AddMinutes(5));
        var claimer = engine.Services.GetRequiredService<TaskClaimer>();
        var capacity = engine.Services.GetRequiredService<CapacityTracker>();
        const string claim = "test-node:failing-job";
        await claimer.ClaimAsync([started.Id, later.Id], claim, DateTimeOffset.UtcNow, CancellationToken.None);
        capacity.Add(claim, [(started.Id, "work"), (later.Id, "work")]);

        // The job fails while it waits for the later task's start (here: it is canceled, as on a shutdown).
        using var failure = new CancellationTokenSource();
        var run = engine.Services.GetRequiredService<TaskRunner>().RunBatchAsync(claim, [started.Id, later.Id], failure.Token);
        await engine.WaitUntilAsync(all => all.Any(t => t.Id == started.Id && t.Status == TaskState.Complete));
        await failure.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);

        var givenBack = await engine.GetAsync(later.Id);
        Assert.Equal((TaskState.New, null), (givenBack.Status, givenBack.ClaimedBy));
        Assert.Equal(0, capacity.InFlight);
        Assert.Equal(1, engine.Lambda.CallsFor(started.Id));
        Assert.Equal(0, engine.Lambda.CallsFor(later.Id));
    }

    [Fact]
    public async Task AFailure_WithRetryPolicy_BuildsTheWholeChain_ThenFailsWithOneEvent()
    {
        await using var engine = await CreateEngineAsync();
        await engine.AddFunctionAsync("flaky", retry: true, retryDelays: [0, 0, 0]);
        engine.Lambda.Script = (_, _) => Task.FromResult(ScriptedLambda.Error("Boom", "it broke"));

        var first = await engine.ScheduleAsync("flaky", priority: 3, tags: ["chain"]);
        var tasks = await engine.WaitUntilAsync(all => all.Count == 4 && all.All(t => t.Status.IsTerminal()), what: "a chain of four attempts");

        var chain = tasks.OrderBy(t => t.RetryForTaskIds.Count).ToList();
        Assert.Equal(first.Id, chain[0].Id);
        Assert.Equal([TaskState.Retried, TaskState.Retried, TaskState.Retried, TaskState.Failed], chain.Select(t => t.Status).ToArray());
        for (var i = 1; i < chain.Count; i++)
        {
            Assert.Equal(chain[i].Id, chain[i - 1].RetriedByTaskId);
            Assert.Equal(chain.Take(i).Select(t => t.Id).ToArray(), chain[i].RetryForTaskIds.ToArray());
            Assert.Equal(3, chain[i].Priority);
            Assert.Equal(["chain"], chain[i].Tags);
        }
        Assert.All(chain, t => Assert.Equal(("runtime", "Boom", "it broke"), (t.ErrorType, t.ErrorName, t.ErrorMessage)));
        Assert.Null(chain[^1].RetriedByTaskId);

        await using var db = await engine.Database.Factory.CreateDbContextAsync();
        var failure = Assert.Single(await db.TaskFailedEvents.ToListAsync());
        Assert.Equal(chain[^1].Id, failure.TaskId);
        Assert.Equal("Boom", failure.ErrorName);
        Assert.NotEmpty(await db.TaskLogLines.Where(l => l.TaskId == first.Id).ToListAsync());
    }

    [Fact]
    public async Task RetryDelays_SetTheNextAttemptsStartTime()
    {
        await using var engine = await CreateEngineAsync();
        await engine.AddFunctionAsync("slowretry", retry: true, retryDelays: [30]);
        engine.Lambda.Script = (_, _) => Task.FromResult(ScriptedLambda.Error("Boom", "x"));

        var first = await engine.ScheduleAsync("slowretry");
        var tasks = await engine.WaitUntilAsync(all => all.Count == 2, what: "the retry");

        var failed = tasks.Single(t => t.Id == first.Id);
        var retry = tasks.Single(t => t.Id != first.Id);
        Assert.Equal(TaskState.Retried, failed.Status);
        Assert.Equal(TaskState.New, retry.Status);
        Assert.InRange((retry.StartTimestamp - failed.UpdateTimestamp).TotalSeconds, 29.9, 30.1);
    }

    [Fact]
    public async Task ErrorsToRetry_LimitsWhichErrorsAreRetried()
    {
        await using var engine = await CreateEngineAsync();
        await engine.AddFunctionAsync("picky", retry: true, errorsToRetry: ["Transient"]);
        engine.Lambda.Script = (_, _) => Task.FromResult(ScriptedLambda.Error("Permanent", "no"));

        var task = await engine.ScheduleAsync("picky");
        await engine.WaitUntilAsync(all => all.All(t => t.Status.IsTerminal()));

        Assert.Equal(TaskState.Failed, (await engine.GetAsync(task.Id)).Status);
        Assert.Single(await engine.AllAsync());
    }

    [Fact]
    public async Task AnUnregisteredFunction_IsInvokedAsTheLambdaOfItsName_WithTheDefaultTimeLimit()
    {
        await using var engine = await CreateEngineAsync(o => o.DefaultTimeLimit = TimeSpan.FromSeconds(42));

        var task = await engine.ScheduleAsync("deployed-elsewhere");
        await engine.WaitUntilAsync(all => all.All(t => t.Status.IsTerminal()));

        Assert.Equal(TaskState.Complete, (await engine.GetAsync(task.Id)).Status);
        var call = Assert.Single(engine.Lambda.Calls);
        Assert.Equal(new LambdaTarget("deployed-elsewhere", null), call.Target);
        // The harness's Lambda timeout margin is 1 s.
        Assert.Equal(TimeSpan.FromSeconds(43), call.Timeout);
    }

    [Fact]
    public async Task AnUnregisteredFunction_ThatLambdaDoesNotKnow_FailsWithAnInvocationErrorSayingSo_AndIsNotRetried()
    {
        await using var engine = await CreateEngineAsync();
        engine.Lambda.Script = (_, _) => throw new LambdaServiceException(404, "ResourceNotFoundException", "Function not found: ghost");

        var task = await engine.ScheduleAsync("ghost");
        await engine.WaitUntilAsync(all => all.All(t => t.Status.IsTerminal()));

        var failed = await engine.GetAsync(task.Id);
        Assert.Equal((TaskState.Failed, "invocation", "ResourceNotFoundException"), (failed.Status, failed.ErrorType, failed.ErrorName));
        Assert.Contains("'ghost' is neither in the function registry nor a Lambda function", failed.ErrorMessage);
        Assert.Single(await engine.AllAsync());
    }

    [Fact]
    public async Task AnUnregisteredFunctionsRuntimeError_FailsTheTask_WithoutARetry()
    {
        await using var engine = await CreateEngineAsync();
        engine.Lambda.Script = (_, _) => Task.FromResult(ScriptedLambda.Error("Transient", "try again"));

        var task = await engine.ScheduleAsync("unregistered-flaky");
        await engine.WaitUntilAsync(all => all.All(t => t.Status.IsTerminal()));

        var failed = await engine.GetAsync(task.Id);
        Assert.Equal((TaskState.Failed, "runtime", "Transient"), (failed.Status, failed.ErrorType, failed.ErrorName));
        Assert.Single(await engine.AllAsync());
    }

    [Fact]
    public async Task DisabledFunctions_KeepTheirTasksWaiting_UntilEnabled()
    {
        await using var engine = await CreateEngineAsync();
        await engine.AddFunctionAsync("paused");
        await engine.Functions.SetEnabledAsync("paused", false);

        var task = await engine.ScheduleAsync("paused");
        await Task.Delay(600);
        Assert.Equal(TaskState.New, (await engine.GetAsync(task.Id)).Status);

        await engine.Functions.SetEnabledAsync("paused", true);
        await engine.WaitUntilAsync(all => all.All(t => t.Status == TaskState.Complete));
        Assert.Equal(1, engine.Lambda.CallsFor(task.Id));
    }

    [Fact]
    public async Task ALateOutcome_OfATaskFinishedElsewhere_IsDropped_AndTheOthersWrittenWithItAreRecorded()
    {
        await using var engine = await CreateEngineAsync(startDispatcher: false);
        await engine.AddFunctionAsync("work");
        var late = await engine.ScheduleAsync("work");
        var onTime = await engine.ScheduleAsync("work");
        await using (var db = await engine.Database.Factory.CreateDbContextAsync())
        {
            await db.Tasks.Where(t => t.Id == late.Id || t.Id == onTime.Id).ExecuteUpdateAsync(set => set
                .SetProperty(t => t.Status, TaskState.InProgress)
                .SetProperty(t => t.ExecutionStartTimestamp, DateTimeOffset.UtcNow.AddSeconds(-1)));
            // Failed meanwhile by the zombie cleanup of another node.
            await db.Tasks.Where(t => t.Id == late.Id).ExecuteUpdateAsync(set => set
                .SetProperty(t => t.Status, TaskState.Failed)
                .SetProperty(t => t.ErrorName, TaskOutcome.ZombieErrorName));
        }

        var writer = engine.Services.GetRequiredService<OutcomeWriter>();
        var now = DateTimeOffset.UtcNow;
        var recorded = new[] { late, onTime }.Select(t => writer.RecordAsync(t.Id, TaskOutcome.Complete("{\"ok\":true}", "line of " + t.Id, now))).ToList();
        await Task.WhenAll(recorded);

        var kept = await engine.GetAsync(late.Id);
        Assert.Equal((TaskState.Failed, TaskOutcome.ZombieErrorName, null), (kept.Status, kept.ErrorName, kept.ResultJson));
        var completed = await engine.GetAsync(onTime.Id);
        Assert.Equal((TaskState.Complete, "{\"ok\":true}"), (completed.Status, completed.ResultJson));
        await using var read = await engine.Database.Factory.CreateDbContextAsync();
        var lines = await read.TaskLogLines.Select(l => new { l.TaskId, l.Message }).ToListAsync();
        Assert.Equal(("line of " + onTime.Id + "\n"), Assert.Single(lines, l => l.TaskId == onTime.Id).Message);
    }

    [Fact]
    public async Task Zombies_PastTheirTimeLimit_FailAsZombieTaskCleaned_WithAnEvent()
    {
        await using var engine = await CreateEngineAsync(o => o.ZombieGrace = TimeSpan.FromSeconds(1), startDispatcher: false);
        await engine.AddFunctionAsync("stuck", retry: true, timeLimitSeconds: 3);
        var task = await engine.ScheduleAsync("stuck");
        await using (var db = await engine.Database.Factory.CreateDbContextAsync())
        {
            var started = DateTimeOffset.UtcNow.AddSeconds(-10);
            await db.Tasks.Where(t => t.Id == task.Id).ExecuteUpdateAsync(set => set
                .SetProperty(t => t.Status, TaskState.InProgress)
                .SetProperty(t => t.ExecutionStartTimestamp, started)
                .SetProperty(t => t.ClaimedBy, "dead-node:1"));
        }

        var (_, zombies) = await engine.Services.GetRequiredService<ExecutionRecovery>().CleanupAsync(CancellationToken.None);

        Assert.Equal(1, zombies);
        var failed = await engine.GetAsync(task.Id);
        Assert.Equal((TaskState.Failed, TaskOutcome.ZombieErrorName), (failed.Status, failed.ErrorName));
        Assert.Single(await engine.AllAsync()); // an unknown outcome is never retried
        await using var read = await engine.Database.Factory.CreateDbContextAsync();
        Assert.Equal(task.Id, Assert.Single(await read.TaskFailedEvents.ToListAsync()).TaskId);
    }

    [Fact]
    public async Task AfterAKill_UnstartedClaimsRunOnce_AndRunningTasksBecomeZombies_NothingRunsTwice()
    {
        var database = await TestDatabase.CreateAsync(Provider);
        await using var _ = database;
        var lambda = new ScriptedLambda();
        var hang = new TaskCompletionSource<Core.Execution.Lambda.LambdaInvokeResult>();
        lambda.Script = (_, _) => hang.Task;

        // First life: two tasks start and hang; two more are claimed but their job never runs (the node dies).
        var first = await CreateEngineAsync(o => o.MaxConcurrency = 2, database, lambda);
        await first.AddFunctionAsync("work");
        var running = new[] { await first.ScheduleAsync("work", priority: 5), await first.ScheduleAsync("work", priority: 5) };
        await first.WaitUntilAsync(all => all.Count(t => t.Status == TaskState.InProgress) == 2);
        await first.StopAsync(); // the dispatcher and writer stop; the hung calls never report
        var waiting = new[] { await first.ScheduleAsync("work"), await first.ScheduleAsync("work") };
        var claimer = first.Services.GetRequiredService<TaskClaimer>();
        await claimer.ClaimAsync(waiting.Select(t => t.Id).ToList(), "test-node:lost-job", DateTimeOffset.UtcNow, CancellationToken.None);

        // Second life, same node id and store.
        var lambdaAfter = new ScriptedLambda();
        await using var second = await CreateEngineAsync(o => o.MaxConcurrency = 2, database, lambdaAfter);
        var tasks = await second.WaitUntilAsync(all => all.All(t => t.Status.IsTerminal()), what: "recovery");

        Assert.All(running, r => Assert.Equal((TaskState.Failed, TaskOutcome.ZombieErrorName),
            (tasks.Single(t => t.Id == r.Id).Status, tasks.Single(t => t.Id == r.Id).ErrorName)));
        Assert.All(waiting, w => Assert.Equal(TaskState.Complete, tasks.Single(t => t.Id == w.Id).Status));
        Assert.All(waiting, w => Assert.Equal(1, lambdaAfter.CallsFor(w.Id)));
        Assert.All(running, r => Assert.Equal(0, lambdaAfter.CallsFor(r.Id)));

        // The stale job of the first life, if it runs after all, finds nothing to do.
        await first.Services.GetRequiredService<TaskRunner>().RunBatchAsync("test-node:lost-job", waiting.Select(t => t.Id).ToList(), CancellationToken.None);
        Assert.Equal(0, lambda.Calls.Count(c => waiting.Any(w => w.Id == c.TaskId)));
        hang.SetCanceled();
        await first.DisposeAsync();
    }

    [Fact]
    public async Task StartLag_IsSmall_BecauseTasksAreClaimedAheadAndStartedOnTime()
    {
        await using var engine = await CreateEngineAsync(o => o.LookAhead = TimeSpan.FromMilliseconds(300));
        await engine.AddFunctionAsync("timely");
        var start = DateTimeOffset.UtcNow.AddMilliseconds(700);

        var task = await engine.ScheduleAsync("timely", start: start);
        await engine.WaitUntilAsync(all => all.All(t => t.Status == TaskState.Complete));

        var call = Assert.Single(engine.Lambda.Calls);
        // Never early; the exact lag is measured by the benchmark, not asserted here.
        Assert.True(call.At >= task.StartTimestamp, $"invoked {(task.StartTimestamp - call.At).TotalMilliseconds} ms early");
    }
}

/// <summary>Every engine test again with the store on PostgreSQL.</summary>
public sealed class PostgreSqlTaskEngineTests : TaskEngineTests
{
    protected override StorageProvider Provider => StorageProvider.PostgreSql;
}
