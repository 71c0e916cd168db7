using TasksConsole.Core.Tasks;

namespace TasksConsole.Tests.ScaleOut;

[Collection(ScaleOutCollection.Name)]
public sealed class DispatchAcrossNodesTests(SharedCluster nodes)
{
    private const int TaskCount = 3000;
    private const int PriorityLevels = 10;

    [Fact]
    public async Task Three_thousand_tasks_due_at_once_over_two_dispatching_nodes_are_each_invoked_once_in_priority_order_per_node()
    {
        var cluster = nodes.Cluster;
        // All due at the same moment, a little ahead, so that both nodes' dispatchers find them together.
        var due = DateTimeOffset.UtcNow.AddSeconds(2);
        var created = await cluster.InsertTasksAsync(Enumerable.Range(0, TaskCount)
            .Select(i => new NewTask(ScaleOutCluster.CountFunction, "{}", Priority: i * 7 % PriorityLevels, StartTimestamp: due)));
        var ids = created.Select(t => t.Id).ToList();

        List<TaskRecord> tasks = [];
        await cluster.WaitUntilAsync(async () =>
        {
            tasks = await cluster.ReadTasksAsync(ids);
            return tasks.All(t => t.Status.IsTerminal());
        }, TimeSpan.FromMinutes(4), $"{TaskCount} tasks to finish");

        Assert.All(tasks, t => Assert.Equal(TaskState.Complete, t.Status));
        var invokedOtherThanOnce = ids.Where(id => cluster.Lambda.InvocationsOf(id) != 1)
            .Select(id => $"{id}: {cluster.Lambda.InvocationsOf(id)}").ToList();
        Assert.True(invokedOtherThanOnce.Count == 0, $"Invoked other than once: {string.Join(", ", invokedOtherThanOnce.Take(20))}");

        var byNode = tasks.GroupBy(t => t.ClaimedBy![..t.ClaimedBy!.IndexOf(':')]).ToDictionary(g => g.Key, g => g.ToList());
        Assert.Equal(["node-a", "node-b"], byNode.Keys.Order());
        foreach (var (node, claimed) in byNode) AssertClaimedInPriorityOrder(node, claimed);
    }

    /// <summary>
    /// With every task due from the first round, each claim a node makes takes the highest priorities left: no claim
    /// holds a task of higher priority than a task in one of the node's earlier claims. Claims made in the same
    /// millisecond are not ordered against each other.
    /// </summary>
    private static void AssertClaimedInPriorityOrder(string node, List<TaskRecord> claimed)
    {
        var claims = claimed.GroupBy(t => t.ClaimedBy!)
            .Select(g => (At: g.Min(t => t.ClaimedTimestamp!.Value), Lowest: g.Min(t => t.Priority), Highest: g.Max(t => t.Priority), g.Key))
            .OrderBy(c => c.At).ToList();
        var lowestSoFar = long.MaxValue;
        var earlierAt = DateTimeOffset.MinValue;
        var pendingLowest = long.MaxValue;
        foreach (var claim in claims)
        {
            if (claim.At > earlierAt)
            {
                lowestSoFar = Math.Min(lowestSoFar, pendingLowest);
                pendingLowest = long.MaxValue;
                earlierAt = claim.At;
            }
            Assert.True(claim.Highest <= lowestSoFar,
                $"{node}'s claim {claim.Key} at {claim.At:O} holds priority {claim.Highest}, above priority {lowestSoFar} it claimed earlier");
            pendingLowest = Math.Min(pendingLowest, claim.Lowest);
        }
    }
}
