using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TasksConsole.Core.Execution;
using TasksConsole.Core.Tasks;
using TasksConsole.Tests.Infrastructure;

namespace TasksConsole.Tests.Execution;

/// <summary>Several engines (nodes) on one SQLite file, on one fake clock, their heartbeats driven by hand.</summary>
public sealed class NodeHeartbeatTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static Task<EngineHarness> NodeAsync(string id, FakeTimeProvider clock, TestDatabase? database = null, bool dispatches = true) =>
        EngineHarness.CreateAsync(o =>
        {
            o.NodeId = id;
            o.DispatcherEnabled = dispatches;
            o.NodeTimeout = Timeout;
            o.ZombieGrace = TimeSpan.FromSeconds(10);
        }, database, startDispatcher: false, clock: clock);

    private static NodeHeartbeat Heartbeat(EngineHarness node) => node.Services.GetRequiredService<NodeHeartbeat>();

    private static async Task<string> ClaimAsync(EngineHarness node, IReadOnlyList<TaskRecord> tasks, DateTimeOffset now)
    {
        var token = $"{node.Options.NodeId}:{Guid.NewGuid():N}";
        var won = await node.Services.GetRequiredService<TaskClaimer>().ClaimAsync(tasks.Select(t => t.Id).ToList(), token, now, CancellationToken.None);
        Assert.Equal(tasks.Count, won.Count);
        return token;
    }

    [Fact]
    public async Task EachNodeWritesItsRow_AndANodeThatStopsHeartbeating_IsListedAsDead_ThenPruned()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero));
        await using var a = await NodeAsync("node-a", clock);
        await using var b = await NodeAsync("node-b", clock, a.Database, dispatches: false);
        await a.AddFunctionAsync("work");
        await ClaimAsync(a, [await a.ScheduleAsync("work"), await a.ScheduleAsync("work")], clock.GetUtcNow());

        await Heartbeat(a).BeatAsync();
        clock.Advance(TimeSpan.FromSeconds(5));
        await Heartbeat(b).BeatAsync();
        var nodes = await b.Services.GetRequiredService<NodeQueries>().ListAsync();

        Assert.Equal(["node-a", "node-b"], nodes.Select(n => n.Id));
        var nodeA = nodes[0];
        Assert.Equal((2, 0, true, false, TimeSpan.FromSeconds(5)), (nodeA.ClaimsHeld, nodeA.TasksInFlight, nodeA.Dispatches, nodeA.Dead, nodeA.HeartbeatAge));
        Assert.Equal(Environment.MachineName, nodeA.HostName);
        Assert.False(string.IsNullOrEmpty(nodeA.Version));
        Assert.Equal((TimeSpan.Zero, false), (nodes[1].HeartbeatAge, nodes[1].Dispatches));

        clock.Advance(Timeout);
        await Heartbeat(b).BeatAsync();
        nodes = await b.Services.GetRequiredService<NodeQueries>().ListAsync();
        Assert.Equal([("node-b", false), ("node-a", true)], nodes.Select(n => (n.Id, n.Dead)));

        clock.Advance(b.Options.DeadNodeRetention);
        await Heartbeat(b).BeatAsync();
        Assert.Equal(["node-b"], (await b.Services.GetRequiredService<NodeQueries>().ListAsync()).Select(n => n.Id));
    }

    [Fact]
    public async Task ADeadNodesUnstartedClaims_AreReleasedByTheLiveNodes_WithoutWaitingForTheClaimTimeout()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero));
        await using var a = await NodeAsync("node-a", clock);
        await using var b = await NodeAsync("node-b", clock, a.Database);
        await using var c = await NodeAsync("node-c", clock, a.Database);
        await a.AddFunctionAsync("work");
        var ofA = new[] { await a.ScheduleAsync("work"), await a.ScheduleAsync("work"), await a.ScheduleAsync("work") };
        var ofB = new[] { await a.ScheduleAsync("work") };
        await ClaimAsync(a, ofA, clock.GetUtcNow());
        await ClaimAsync(b, ofB, clock.GetUtcNow());
        foreach (var node in new[] { a, b, c }) await Heartbeat(node).BeatAsync();

        // node-a falls silent; b and c keep beating.
        clock.Advance(TimeSpan.FromSeconds(20));
        var whileAlive = await Task.WhenAll(Heartbeat(b).BeatAsync(), Heartbeat(c).BeatAsync());
        clock.Advance(TimeSpan.FromSeconds(11));
        var afterTimeout = await Task.WhenAll(Task.Run(() => Heartbeat(b).BeatAsync()), Task.Run(() => Heartbeat(c).BeatAsync()));

        Assert.Equal([0, 0], whileAlive);
        Assert.Equal(ofA.Length, afterTimeout.Sum());
        Assert.True(clock.GetUtcNow() - a.Options.ClaimTimeout < (await a.GetAsync(ofA[0].Id)).CreationTimestamp,
            "the claims went back before the claim timeout would have released them");
        var tasks = await a.AllAsync();
        Assert.All(ofA, t => Assert.Null(tasks.Single(x => x.Id == t.Id).ClaimedBy));
        Assert.All(ofA, t => Assert.Equal(TaskState.New, tasks.Single(x => x.Id == t.Id).Status));
        Assert.StartsWith("node-b:", tasks.Single(x => x.Id == ofB[0].Id).ClaimedBy);
    }

    [Fact]
    public async Task ADeadNodesRunningTask_IsFailedOnceAsAZombie_WhenTwoLiveNodesCleanUpTogether()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero));
        await using var a = await NodeAsync("node-a", clock);
        await using var b = await NodeAsync("node-b", clock, a.Database);
        await using var c = await NodeAsync("node-c", clock, a.Database);
        await a.AddFunctionAsync("work", timeLimitSeconds: 5);
        var tasks = new[] { await a.ScheduleAsync("work"), await a.ScheduleAsync("work") };
        var token = await ClaimAsync(a, tasks, clock.GetUtcNow());
        var started = await a.Services.GetRequiredService<TaskClaimer>().StartAsync(tasks.Select(t => t.Id).ToList(), token, clock.GetUtcNow(), CancellationToken.None);
        Assert.Equal(2, started.Count);
        await Heartbeat(a).BeatAsync();

        // Dead, but not yet past time limit (5 s) plus grace (10 s) ... then past it.
        clock.Advance(TimeSpan.FromSeconds(14));
        var early = await b.Services.GetRequiredService<ExecutionRecovery>().CleanupAsync(CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(20));
        await Task.WhenAll(Heartbeat(b).BeatAsync(), Heartbeat(c).BeatAsync());
        await Task.WhenAll(
            Task.Run(() => b.Services.GetRequiredService<ExecutionRecovery>().CleanupAsync(CancellationToken.None)),
            Task.Run(() => c.Services.GetRequiredService<ExecutionRecovery>().CleanupAsync(CancellationToken.None)));

        Assert.Equal(0, early.Zombies);
        var after = await a.AllAsync();
        Assert.All(after, t => Assert.Equal((TaskState.Failed, TaskOutcome.ZombieErrorName), (t.Status, t.ErrorName)));
        await using var db = await a.Database.Factory.CreateDbContextAsync();
        var events = await db.TaskFailedEvents.AsNoTracking().ToListAsync();
        Assert.Equal(tasks.Select(t => t.Id).Order(), events.Select(e => e.TaskId).Order());
    }
}
