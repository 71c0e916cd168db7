using System.Diagnostics;
using TasksConsole.Core.Functions;
using TasksConsole.Core.Schedules;
using TasksConsole.Core.Tasks;
using TasksConsole.Tests.Infrastructure;
using TasksConsole.Core.Data;

namespace TasksConsole.Tests.Schedules;

public class ScheduleFiringServiceTests
{
    /// <summary>The store of the nodes; <see cref="PostgreSqlScheduleFiringServiceTests"/> runs every test on PostgreSQL.</summary>
    protected virtual StorageProvider Provider => StorageProvider.Sqlite;

    private static NewSchedule EveryMinute(DateTimeOffset? start = null, bool paused = false) =>
        new("report", IntervalSeconds: 60, DataJson: """{"Kind":"daily"}""", Priority: 4, StartTimestamp: start, Tags: ["nightly"], Paused: paused);

    [Fact]
    public async Task ADueSchedule_CreatesOneOrdinaryTaskPerSlot()
    {
        await using var node = await StoreNode.StartAsync(provider: Provider);
        var start = node.Clock.GetUtcNow();
        var schedule = await node.Schedules.CreateAsync(EveryMinute(start), Caller.System);

        var first = await node.Firing.FireDueAsync();
        var again = await node.Firing.FireDueAsync();
        node.Clock.Advance(TimeSpan.FromSeconds(30));
        var early = await node.Firing.FireDueAsync();
        node.Clock.Advance(TimeSpan.FromSeconds(30));
        var second = await node.Firing.FireDueAsync();

        Assert.Equal((1, 0, 0, 1), (first, again, early, second));
        var tasks = await node.TasksOfScheduleAsync(schedule.Id);
        Assert.Equal([start, start.AddSeconds(60)], tasks.Select(t => t.StartTimestamp));
        var task = tasks[0];
        Assert.Equal(("report", """{"Kind":"daily"}""", 4L, TaskState.New), (task.FunctionName, task.DataJson, task.Priority, task.Status));
        Assert.Equal(["nightly"], task.Tags);
        Assert.Null(task.CreatedByUserId);
        var reloaded = await node.ReloadAsync(schedule);
        Assert.Equal(start.AddSeconds(120), reloaded.NextTimestamp);
        Assert.Equal(start.AddSeconds(60), reloaded.LastFiredTimestamp);
    }

    [Fact]
    public async Task AfterDowntime_AScheduleFiresOnceForTheOverdueSlot_AndSkipsTheRest()
    {
        await using var node = await StoreNode.StartAsync(provider: Provider);
        var start = node.Clock.GetUtcNow();
        var schedule = await node.Schedules.CreateAsync(EveryMinute(start), Caller.System);
        await node.Firing.FireDueAsync();

        node.Clock.Advance(TimeSpan.FromSeconds(605));
        var afterDowntime = await node.Firing.FireDueAsync();
        var straightAfter = await node.Firing.FireDueAsync();

        Assert.Equal((1, 0), (afterDowntime, straightAfter));
        Assert.Equal(2, (await node.TasksOfScheduleAsync(schedule.Id)).Count);
        Assert.Equal(start.AddSeconds(660), (await node.ReloadAsync(schedule)).NextTimestamp);
    }

    [Fact]
    public async Task APausedSchedule_DoesNotFire_AndSkipsWhatItMissedWhenResumed()
    {
        await using var node = await StoreNode.StartAsync(provider: Provider);
        var start = node.Clock.GetUtcNow();
        var createdPaused = await node.Schedules.CreateAsync(EveryMinute(start, paused: true), Caller.System);
        var schedule = await node.Schedules.CreateAsync(EveryMinute(start), Caller.System);
        await node.Firing.FireDueAsync();

        await node.Schedules.PauseAsync(schedule.Id);
        node.Clock.Advance(TimeSpan.FromSeconds(310));
        var whilePaused = await node.Firing.FireDueAsync();
        await node.Schedules.ResumeAsync(schedule.Id);
        var onResume = await node.Firing.FireDueAsync();
        node.Clock.Advance(TimeSpan.FromSeconds(50));
        var atNextSlot = await node.Firing.FireDueAsync();

        Assert.Equal((0, 0, 1), (whilePaused, onResume, atNextSlot));
        Assert.Empty(await node.TasksOfScheduleAsync(createdPaused.Id));
        Assert.Equal([start, start.AddSeconds(360)], (await node.TasksOfScheduleAsync(schedule.Id)).Select(t => t.StartTimestamp));
    }

    [Fact]
    public async Task TwoNodesRacing_FireEverySlotExactlyOnce()
    {
        await using var first = await StoreNode.StartAsync(provider: Provider);
        await using var second = await first.StartPeerAsync();
        var start = first.Clock.GetUtcNow();
        var schedules = new List<ScheduleRecord>();
        for (var i = 0; i < 8; i++)
        {
            schedules.Add(await first.Schedules.CreateAsync(new NewSchedule("tick", IntervalSeconds: 1, StartTimestamp: start), Caller.System));
        }

        var fired = 0;
        for (var round = 0; round < 15; round++)
        {
            var counts = await Task.WhenAll(
                Task.Run(() => first.Firing.FireDueAsync()),
                Task.Run(() => second.Firing.FireDueAsync()));
            fired += counts.Sum();
            first.Clock.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(8 * 15, fired);
        foreach (var schedule in schedules)
        {
            var slots = (await first.TasksOfScheduleAsync(schedule.Id)).Select(t => t.StartTimestamp).ToList();
            Assert.Equal(Enumerable.Range(0, 15).Select(k => start.AddSeconds(k)), slots);
        }
    }

    [Fact]
    public async Task ThreeRunningNodes_FireATwoSecondScheduleOncePerSlot()
    {
        await using var first = await StoreNode.StartAsync();
        await using var second = await StoreNode.StartAsync(first.Clock, first.Directory);
        await using var third = await StoreNode.StartAsync(first.Clock, first.Directory);
        var nodes = new[] { first, second, third };
        var start = first.Clock.GetUtcNow();
        var schedule = await first.Schedules.CreateAsync(new NewSchedule("tick", IntervalSeconds: 2, StartTimestamp: start), Caller.System);
        foreach (var node in nodes) await node.Firing.StartAsync(CancellationToken.None);

        const int slots = 8;
        for (var slot = 0; slot < slots; slot++)
        {
            // Each node's loop wakes on the shared clock and races the others for the slot.
            var watch = Stopwatch.StartNew();
            while ((await first.TasksOfScheduleAsync(schedule.Id)).Count <= slot)
            {
                Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"slot {slot} never fired");
                await Task.Delay(20);
            }
            first.Clock.Advance(TimeSpan.FromSeconds(2));
        }
        foreach (var node in nodes) await node.Firing.StopAsync(CancellationToken.None);
        // The last advance made one more slot due: asking all three at the same instant (if their loops did not
        // already take it) must add it once.
        await Task.WhenAll(nodes.Select(node => Task.Run(() => node.Firing.FireDueAsync())));

        var fired = (await first.TasksOfScheduleAsync(schedule.Id)).Select(t => t.StartTimestamp).ToList();
        Assert.Equal(Enumerable.Range(0, slots + 1).Select(k => start.AddSeconds(2 * k)), fired);
    }

    [Fact]
    public async Task FiringNow_AddsOneTaskStartingNow_AndTheRegularSlotsFireAsPlanned()
    {
        await using var node = await StoreNode.StartAsync(provider: Provider);
        var now = node.Clock.GetUtcNow();
        var start = now.AddSeconds(30);
        var schedule = await node.Schedules.CreateAsync(EveryMinute(start), Caller.System);
        const string operatorId = "0123456789abcdef01234567";

        var extra = await node.Schedules.FireNowAsync(schedule.Id, new Caller(operatorId, null));
        var dueStraightAfter = await node.Firing.FireDueAsync();
        var unchanged = await node.ReloadAsync(schedule);
        node.Clock.Advance(TimeSpan.FromSeconds(30));
        var atTheSlot = await node.Firing.FireDueAsync();

        Assert.NotNull(extra);
        Assert.Equal(("report", """{"Kind":"daily"}""", 4L, TaskState.New, now, schedule.Id, operatorId),
            (extra.FunctionName, extra.DataJson, extra.Priority, extra.Status, extra.StartTimestamp, extra.ScheduleId, extra.CreatedByUserId));
        Assert.Equal(["nightly"], extra.Tags);
        Assert.Equal((start, (DateTimeOffset?)null, schedule.UpdateTimestamp), (unchanged.NextTimestamp, unchanged.LastFiredTimestamp, unchanged.UpdateTimestamp));
        Assert.Equal((0, 1), (dueStraightAfter, atTheSlot));
        Assert.Equal([now, start], (await node.TasksOfScheduleAsync(schedule.Id)).Select(t => t.StartTimestamp));
        Assert.Equal(start.AddSeconds(60), (await node.ReloadAsync(schedule)).NextTimestamp);
    }

    [Fact]
    public async Task FiringAPausedScheduleNow_CreatesItsTask_AndLeavesItPaused()
    {
        await using var node = await StoreNode.StartAsync(provider: Provider);
        var schedule = await node.Schedules.CreateAsync(EveryMinute(paused: true), Caller.System);

        var extra = await node.Schedules.FireNowAsync(schedule.Id, Caller.System);
        var unknown = await node.Schedules.FireNowAsync("0123456789abcdef01234567", Caller.System);

        Assert.NotNull(extra);
        Assert.Equal(extra.Id, Assert.Single(await node.TasksOfScheduleAsync(schedule.Id)).Id);
        Assert.Null(unknown);
        var reloaded = await node.ReloadAsync(schedule);
        Assert.Equal((true, schedule.NextTimestamp), (reloaded.Paused, reloaded.NextTimestamp));
    }

    [Fact]
    public async Task AScheduleWithoutPriority_GivesItsTasksTheFunctionsDefaultPriority()
    {
        await using var node = await StoreNode.StartAsync(provider: Provider);
        await node.Functions.CreateAsync(new FunctionDefinition { Name = "ranked", DefaultPriority = 9 });
        var schedule = await node.Schedules.CreateAsync(new NewSchedule("ranked", IntervalSeconds: 60), Caller.System);

        await node.Firing.FireDueAsync();

        Assert.Equal(9, Assert.Single(await node.TasksOfScheduleAsync(schedule.Id)).Priority);
    }

    [Fact]
    public async Task TheRunningService_WakesAtTheNextSlot_OnItsClock()
    {
        await using var node = await StoreNode.StartAsync(provider: Provider);
        var firing = node.Firing;
        await firing.StartAsync(CancellationToken.None);
        try
        {
            var start = node.Clock.GetUtcNow().AddSeconds(10);
            var schedule = await node.Schedules.CreateAsync(EveryMinute(start), Caller.System);

            // Nothing is due yet, whatever real time passes.
            await Task.Delay(300);
            Assert.Empty(await node.TasksOfScheduleAsync(schedule.Id));

            // Advance in steps, as time would pass, until the slot's task appears.
            var tasks = await AdvanceUntilAsync(node, async () => await node.TasksOfScheduleAsync(schedule.Id), t => t.Count > 0);
            Assert.Equal(start, Assert.Single(tasks).StartTimestamp);
        }
        finally
        {
            await firing.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task TheRunningService_IsWokenByANewSchedule_WithoutWaitingForItsPoll()
    {
        await using var node = await StoreNode.StartAsync(provider: Provider);
        var firing = node.Firing;
        await firing.StartAsync(CancellationToken.None);
        try
        {
            // Let it settle into its fallback wait, which only the (frozen) fake clock could end.
            await Task.Delay(200);

            var schedule = await node.Schedules.CreateAsync(EveryMinute(), Caller.System);

            var tasks = await WaitUntilAsync(async () => await node.TasksOfScheduleAsync(schedule.Id), t => t.Count > 0);
            Assert.Single(tasks);
        }
        finally
        {
            await firing.StopAsync(CancellationToken.None);
        }
    }

    private static async Task<T> AdvanceUntilAsync<T>(StoreNode node, Func<Task<T>> read, Func<T, bool> done)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var value = await read();
            if (done(value)) return value;
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), "the expected firing did not happen");
            node.Clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(50);
        }
    }

    private static async Task<T> WaitUntilAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var value = await read();
            if (done(value)) return value;
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), "the expected firing did not happen");
            await Task.Delay(25);
        }
    }
}

/// <summary>Every schedule firing test again, the nodes sharing a PostgreSQL database.</summary>
public sealed class PostgreSqlScheduleFiringServiceTests : ScheduleFiringServiceTests
{
    protected override StorageProvider Provider => StorageProvider.PostgreSql;
}
