using TasksConsole.Core.Execution;
using TasksConsole.Core.Tasks;

namespace TasksConsole.Tests.ScaleOut;

/// <summary>Its own two nodes, since it kills one of them; in the collection so as not to run beside the shared nodes' tests.</summary>
[Collection(ScaleOutCollection.Name)]
public sealed class NodeLossTests
{
    private const int TaskCount = 40;
    private static readonly TimeSpan ZombieGrace = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task After_kill_9_of_a_node_the_survivor_runs_its_unstarted_tasks_and_fails_its_running_ones_as_zombies_invoking_none_twice()
    {
        await using var cluster = await ScaleOutCluster.StartAsync([("node-k", true), ("node-s", true)], new Dictionary<string, string?>
        {
            // Few at a time, so that most tasks are still waiting when the node dies.
            ["Execution:MaxConcurrency"] = "4",
            ["Execution:HeartbeatInterval"] = "00:00:01",
            ["Execution:NodeTimeout"] = "00:00:05",
            ["Execution:ZombieGrace"] = "00:00:02",
        });
        var killed = cluster["node-k"];
        // Each takes 2 s, within the 3 s time limit.
        var created = await cluster.InsertTasksAsync(Enumerable.Range(0, TaskCount)
            .Select(_ => new NewTask(ScaleOutCluster.ShortFunction, """{"sleepMs":2000}""", Priority: 0, StartTimestamp: DateTimeOffset.UtcNow)));
        var ids = created.Select(t => t.Id).ToList();

        await cluster.WaitUntilAsync(async () => (await cluster.ReadTasksAsync(ids)).Any(t => t.Status == TaskState.InProgress && IsOf(t, killed.NodeId)),
            TimeSpan.FromSeconds(60), "node-k to start running tasks");
        killed.Kill();
        await cluster.WaitUntilAsync(() => Task.FromResult(killed.HasExited), TimeSpan.FromSeconds(10), "node-k to die");
        var atKill = await cluster.ReadTasksAsync(ids);
        var inFlight = atKill.Where(t => t.Status == TaskState.InProgress && IsOf(t, killed.NodeId)).Select(t => t.Id).Order().ToList();
        Assert.NotEmpty(inFlight);
        Assert.Contains(atKill, t => t.Status == TaskState.New);

        // Zombie clean-up runs once a minute: time limit + grace + up to a minute + a loaded machine.
        List<TaskRecord> tasks = [];
        await cluster.WaitUntilAsync(async () =>
        {
            tasks = await cluster.ReadTasksAsync(ids);
            return tasks.All(t => t.Status.IsTerminal());
        }, TimeSpan.FromMinutes(3), "every task to finish on the survivor");

        var zombies = tasks.Where(t => t.Status == TaskState.Failed && t.ErrorName == TaskOutcome.ZombieErrorName).ToList();
        Assert.Equal(inFlight, zombies.Select(t => t.Id).Order());
        Assert.All(zombies, zombie => Assert.True(
            zombie.ExecutionEndTimestamp - zombie.ExecutionStartTimestamp >= TimeSpan.FromSeconds(3) + ZombieGrace,
            $"zombie {zombie.Id} was failed {zombie.ExecutionEndTimestamp - zombie.ExecutionStartTimestamp} after it started, before its time limit and grace"));
        var rest = tasks.Where(t => !inFlight.Contains(t.Id)).ToList();
        Assert.All(rest, t => Assert.Equal(TaskState.Complete, t.Status));
        Assert.Contains(rest, t => IsOf(t, "node-s"));
        Assert.All(rest, t => Assert.Equal(1, cluster.Lambda.InvocationsOf(t.Id)));
        Assert.All(zombies, t => Assert.True(cluster.Lambda.InvocationsOf(t.Id) <= 1, $"zombie {t.Id} invoked {cluster.Lambda.InvocationsOf(t.Id)} times"));
    }

    private static bool IsOf(TaskRecord task, string nodeId) => task.ClaimedBy?.StartsWith(nodeId + ":", StringComparison.Ordinal) == true;
}
