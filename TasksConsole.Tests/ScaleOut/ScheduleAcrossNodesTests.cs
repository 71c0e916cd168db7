using TasksConsole.Core.Schedules;
using TasksConsole.Core.Tasks;

namespace TasksConsole.Tests.ScaleOut;

[Collection(ScaleOutCollection.Name)]
public sealed class ScheduleAcrossNodesTests(SharedCluster nodes)
{
    private const int Slots = 5;
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task A_schedule_every_two_seconds_with_three_nodes_running_fires_once_per_slot()
    {
        var cluster = nodes.Cluster;
        Assert.Equal(3, cluster.Nodes.Count(node => !node.HasExited));
        var first = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 2);
        var schedule = await cluster.Schedules.CreateAsync(
            new NewSchedule(ScaleOutCluster.CountFunction, IntervalSeconds: (long)Interval.TotalSeconds, StartTimestamp: first), Caller.System);

        await cluster.WaitUntilAsync(async () => (await cluster.TasksOfScheduleAsync(schedule.Id)).Count >= Slots,
            TimeSpan.FromSeconds(60), $"{Slots} slots to fire");
        await cluster.Schedules.DeleteAsync(schedule.Id);
        var fired = await cluster.TasksOfScheduleAsync(schedule.Id);

        var starts = fired.Select(t => t.StartTimestamp).ToList();
        Assert.Equal(starts.Distinct().Count(), starts.Count);
        Assert.All(starts, start => Assert.Equal(0, (start - first).Ticks % Interval.Ticks));
        var ids = fired.Select(t => t.Id).ToList();
        await cluster.WaitUntilAsync(async () => (await cluster.ReadTasksAsync(ids)).All(t => t.Status == TaskState.Complete),
            TimeSpan.FromSeconds(60), "the fired tasks to complete");
        Assert.All(ids, id => Assert.Equal(1, cluster.Lambda.InvocationsOf(id)));
    }
}
