using Microsoft.Extensions.Time.Testing;
using TasksConsole.Core.Execution;
using TasksConsole.Core.Tasks;
using TasksConsole.Tests.Infrastructure;

namespace TasksConsole.Tests.Execution;

/// <summary>
/// Tasks that arrive one by one while the node is busy: they gather for the gathering window into one claim, as
/// they would under a steady stream of creates. The clock is fake and frozen, so the window closes exactly when the
/// test advances it: what happens during the window is observed, not raced.
/// </summary>
public sealed class SteadyFlowTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task TasksArrivingOneByOne_WhileBusy_GoInOneClaim_WhenTheWindowCloses_NotBefore()
    {
        await using var flow = await BusyEngine.StartAsync();
        var arrivals = new List<TaskRecord>();
        for (var i = 0; i < 5; i++) arrivals.Add(await flow.Engine.ScheduleAsync("work"));

        await flow.AssertNoneClaimedYetAsync(arrivals);
        flow.Clock.Advance(Window);
        var tasks = await flow.Engine.WaitUntilAsync(all => arrivals.All(a => all.Single(t => t.Id == a.Id).Status == TaskState.Complete));

        var done = arrivals.Select(a => tasks.Single(t => t.Id == a.Id)).ToList();
        Assert.Single(done.Select(t => t.ClaimedBy).Distinct());
        Assert.All(done, t => Assert.Equal(("{}", true), (t.ResultJson, t.ExecutionEndTimestamp >= t.ExecutionStartTimestamp)));
        Assert.All(done, t => Assert.True(t.ClaimedTimestamp - t.CreationTimestamp <= Window,
            $"claimed {(t.ClaimedTimestamp - t.CreationTimestamp)?.TotalMilliseconds} ms after its creation, past the window"));
    }

    [Fact]
    public async Task ACancelDuringTheGatheringWindow_Wins()
    {
        await using var flow = await BusyEngine.StartAsync();
        var kept = await flow.Engine.ScheduleAsync("work");
        var canceled = await flow.Engine.ScheduleAsync("work");

        await flow.AssertNoneClaimedYetAsync([kept, canceled]);
        await flow.Engine.Tasks.CancelAsync(canceled.Id);
        flow.Clock.Advance(Window);
        await flow.Engine.WaitUntilAsync(all => all.Single(t => t.Id == kept.Id).Status == TaskState.Complete);

        Assert.Equal(0, flow.Engine.Lambda.CallsFor(canceled.Id));
        Assert.Equal(1, flow.Engine.Lambda.CallsFor(kept.Id));
        Assert.Equal(TaskState.Canceled, (await flow.Engine.GetAsync(canceled.Id)).Status);
    }

    [Fact]
    public async Task WithinAGatheredClaim_TasksStartInPriorityOrder()
    {
        await using var flow = await BusyEngine.StartAsync();
        // Created low first: arrival order and start time (all equal on the frozen clock) must not decide.
        var low = await flow.Engine.ScheduleAsync("work", priority: 1);
        var high = await flow.Engine.ScheduleAsync("work", priority: 9);
        var middle = await flow.Engine.ScheduleAsync("work", priority: 5);

        flow.Clock.Advance(Window);
        var tasks = await flow.Engine.WaitUntilAsync(all => all.Count(t => t.FunctionName == "work" && t.Status == TaskState.Complete) == 3);

        Assert.Single(tasks.Where(t => t.FunctionName == "work").Select(t => t.ClaimedBy).Distinct());
        Assert.Equal([high.Id, middle.Id, low.Id],
            flow.Engine.Lambda.Calls.Where(c => c.FunctionName == "work").Select(c => c.TaskId).ToArray());
    }

    [Fact]
    public async Task AThinStream_WaitsPastTheWindow_ForTwoJobsWorth_ButNoLongerThanTheLongestWindow_AndGoesOutAsOneJob()
    {
        await using var flow = await BusyEngine.StartAsync(ThinStreamOptions);
        var arrivals = new List<TaskRecord>();
        // Eight within the window, and at most nine counting the task that keeps the node busy (its creation may be
        // counted after its own round): under a job's ten, so the stream is thin.
        for (var i = 0; i < 8; i++) arrivals.Add(await flow.Engine.ScheduleAsync("work"));
        flow.Clock.Advance(ThinStreamWindow);
        await flow.AssertNoneClaimedYetAsync(arrivals);
        // Ten more: eighteen (nineteen), still under a thin claim's twenty.
        for (var i = 0; i < 10; i++) arrivals.Add(await flow.Engine.ScheduleAsync("work"));
        await flow.AssertNoneClaimedYetAsync(arrivals);
        flow.Clock.Advance(ThinStreamLongestWindow - ThinStreamWindow);
        var tasks = await flow.Engine.WaitUntilAsync(all => arrivals.All(a => all.Single(t => t.Id == a.Id).Status == TaskState.Complete));

        Assert.Single(arrivals.Select(a => tasks.Single(t => t.Id == a.Id).ClaimedBy).Distinct());
        // More than a thick stream's job holds (12), in one job all the same.
        var job = Assert.Single(flow.Engine.Jobs, job => job.Contains(arrivals[0].Id));
        Assert.Equal(arrivals.Select(a => a.Id).Order(), job.Order());
    }

    [Fact]
    public async Task AThinStream_GoesAsSoonAsTwoJobsWorthHaveArrived_BeforeTheLongestWindow()
    {
        await using var flow = await BusyEngine.StartAsync(ThinStreamOptions);
        var arrivals = new List<TaskRecord>();
        for (var i = 0; i < 8; i++) arrivals.Add(await flow.Engine.ScheduleAsync("work"));
        flow.Clock.Advance(ThinStreamWindow);
        await flow.AssertNoneClaimedYetAsync(arrivals);
        for (var i = 0; i < 12; i++) arrivals.Add(await flow.Engine.ScheduleAsync("work"));

        // The dispatcher looks at the arrivals every few milliseconds while it waits.
        flow.Clock.Advance(TimeSpan.FromMilliseconds(10));
        var tasks = await flow.Engine.WaitUntilAsync(all => arrivals.All(a => all.Single(t => t.Id == a.Id).Status == TaskState.Complete));

        var done = arrivals.Select(a => tasks.Single(t => t.Id == a.Id)).ToList();
        Assert.Single(done.Select(t => t.ClaimedBy).Distinct());
        Assert.All(done, t => Assert.True(t.ClaimedTimestamp - t.CreationTimestamp < ThinStreamLongestWindow,
            $"claimed {(t.ClaimedTimestamp - t.CreationTimestamp)?.TotalMilliseconds} ms after its creation, at the longest window"));
    }

    [Fact]
    public async Task AJobsWorthArrivedWithinTheWindow_GoesWhenTheWindowCloses_WithoutWaitingLonger()
    {
        await using var flow = await BusyEngine.StartAsync(ThinStreamOptions);
        var arrivals = new List<TaskRecord>();
        for (var i = 0; i < 10; i++) arrivals.Add(await flow.Engine.ScheduleAsync("work"));

        await flow.AssertNoneClaimedYetAsync(arrivals);
        flow.Clock.Advance(ThinStreamWindow);
        var tasks = await flow.Engine.WaitUntilAsync(all => arrivals.All(a => all.Single(t => t.Id == a.Id).Status == TaskState.Complete));

        var done = arrivals.Select(a => tasks.Single(t => t.Id == a.Id)).ToList();
        Assert.Single(done.Select(t => t.ClaimedBy).Distinct());
        Assert.All(done, t => Assert.True(t.ClaimedTimestamp - t.CreationTimestamp <= ThinStreamWindow,
            $"claimed {(t.ClaimedTimestamp - t.CreationTimestamp)?.TotalMilliseconds} ms after its creation, past the window"));
    }

    [Fact]
    public async Task TasksDueTogether_OnAnIdleNode_GoOutInJobsOfAboutTheBatchSize()
    {
        await using var engine = await EngineHarness.CreateAsync(ThinStreamOptions);
        await engine.AddFunctionAsync("work");
        // Due together, past the look-ahead: nothing claims them until they are due in one round.
        var start = DateTimeOffset.UtcNow.AddSeconds(2);
        var burst = new List<TaskRecord>();
        for (var i = 0; i < 30; i++) burst.Add(await engine.ScheduleAsync("work", start: start));

        await engine.WaitUntilAsync(all => burst.All(b => all.Single(t => t.Id == b.Id).Status == TaskState.Complete));

        var jobs = engine.Jobs.Where(job => job.Any(id => burst.Any(b => b.Id == id))).ToList();
        Assert.Equal(burst.Select(b => b.Id).Order(), jobs.SelectMany(job => job).Order());
        Assert.All(jobs, job => Assert.InRange(job.Count, 1, TaskDispatcher.LargestJob(10)));
        Assert.True(jobs.Count >= 3, $"{jobs.Count} jobs of {string.Join(", ", jobs.Select(j => j.Count))} tasks");
    }

    private static readonly TimeSpan ThinStreamWindow = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ThinStreamLongestWindow = TimeSpan.FromSeconds(5);

    /// <summary>Jobs of about 10 tasks (at most 12) in a thick stream; a thin stream gathers for 20, in one job.</summary>
    private static void ThinStreamOptions(ExecutionOptions o)
    {
        o.BatchSize = 10;
        o.ClaimGathering = ThinStreamWindow;
        o.ClaimGatheringMax = ThinStreamLongestWindow;
    }

    [Fact]
    public async Task AKillAndRestart_WithAStreamOfTasksRunning_EndsEveryTaskExactlyOnce_NoneLost()
    {
        var database = await TestDatabase.CreateAsync();
        await using var _ = database;
        var firstLambda = new ScriptedLambda { Script = QuickOk };
        var secondLambda = new ScriptedLambda { Script = QuickOk };
        void Configure(ExecutionOptions o) => o.ClaimGathering = TimeSpan.FromMilliseconds(10);

        var first = await EngineHarness.CreateAsync(Configure, database, firstLambda);
        await first.AddFunctionAsync("work");
        var node = first;
        var created = new List<string>();
        // The stream: one create at a time, through whichever node is up (the API stays up while the engine restarts).
        var stream = Task.Run(async () =>
        {
            for (var i = 0; i < 400; i++)
            {
                var task = await Volatile.Read(ref node).ScheduleAsync("work", priority: i % 3);
                lock (created) created.Add(task.Id);
                await Task.Delay(1);
            }
        });

        var until = DateTime.UtcNow.AddSeconds(30);
        while (firstLambda.Calls.Count < 100 && DateTime.UtcNow < until && !stream.IsCompleted) await Task.Delay(10);
        await first.KillAsync();
        await using var second = await EngineHarness.CreateAsync(Configure, database, secondLambda);
        Volatile.Write(ref node, second);
        await stream;

        var tasks = await second.WaitUntilAsync(all => all.Count == 400 && all.All(t => t.Status.IsTerminal()),
            TimeSpan.FromSeconds(90), "every task of the stream to end");

        Assert.Equal(created.Order(), tasks.Select(t => t.Id).Order());
        Assert.All(tasks, t =>
        {
            var calls = firstLambda.CallsFor(t.Id) + secondLambda.CallsFor(t.Id);
            // Complete: invoked exactly once. Failed: only as a zombie of the first life, after its one invocation.
            if (t.Status == TaskState.Complete) Assert.Equal(1, calls);
            else Assert.Equal((TaskState.Failed, TaskOutcome.ZombieErrorName, 1, 0),
                (t.Status, t.ErrorName, firstLambda.CallsFor(t.Id), secondLambda.CallsFor(t.Id)));
        });
        // The kill came mid-stream: both lives ran some of it.
        Assert.NotEmpty(firstLambda.Calls);
        Assert.NotEmpty(secondLambda.Calls);
        await first.DisposeAsync();
    }

    private static async Task<Core.Execution.Lambda.LambdaInvokeResult> QuickOk(InvokedTask call, CancellationToken cancellationToken)
    {
        await Task.Delay(Random.Shared.Next(0, 5), cancellationToken);
        return ScriptedLambda.Ok("{}");
    }

    /// <summary>
    /// An engine on a frozen clock, kept busy by one task that runs until the end of the test: a busy node gathers,
    /// an idle one would claim each task at once.
    /// </summary>
    private sealed class BusyEngine : IAsyncDisposable
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private BusyEngine(EngineHarness engine, FakeTimeProvider clock)
        {
            Engine = engine;
            Clock = clock;
        }

        public EngineHarness Engine { get; }
        public FakeTimeProvider Clock { get; }

        public static async Task<BusyEngine> StartAsync(Action<ExecutionOptions>? configure = null)
        {
            // A whole millisecond, as stored: a task due "now" is then due on the frozen clock too.
            var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
            var engine = await EngineHarness.CreateAsync(o =>
            {
                o.ClaimGathering = Window;
                configure?.Invoke(o);
            }, clock: clock);
            var flow = new BusyEngine(engine, clock);
            engine.Lambda.Script = async (call, cancellationToken) =>
            {
                if (call.FunctionName == "hold") await flow._release.Task.WaitAsync(cancellationToken);
                return ScriptedLambda.Ok("{}");
            };
            await engine.AddFunctionAsync("hold");
            await engine.AddFunctionAsync("work");
            var hold = await engine.ScheduleAsync("hold");
            await engine.WaitUntilAsync(all => all.Single(t => t.Id == hold.Id).Status == TaskState.InProgress, what: "the task that keeps the node busy");
            return flow;
        }

        /// <summary>
        /// The dispatcher has been woken by every one of them (a create wakes it at once) and has had time to act; on
        /// the frozen clock the window cannot have closed, so none may be claimed.
        /// </summary>
        public async Task AssertNoneClaimedYetAsync(IReadOnlyList<TaskRecord> arrivals)
        {
            await Task.Delay(300);
            foreach (var arrival in arrivals) Assert.Null((await Engine.GetAsync(arrival.Id)).ClaimedBy);
        }

        public async ValueTask DisposeAsync()
        {
            _release.TrySetResult();
            await Engine.DisposeAsync();
        }
    }
}
