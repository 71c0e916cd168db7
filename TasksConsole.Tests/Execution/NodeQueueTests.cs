using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TasksConsole.Core.Data;
using TasksConsole.Core.Execution;
using TasksConsole.Tests.Infrastructure;
using TasksConsole.Web.Execution.Jobs;

namespace TasksConsole.Tests.Execution;

/// <summary>A node's claimed batches go to its own Hangfire queue, and only its own server takes them.</summary>
public class NodeQueueTests
{
    [Theory]
    [InlineData("node-a", "node_node-a")]
    [InlineData("Worker.East 2", "node_worker_east_2")]
    [InlineData("db_1", "node_db_1")]
    public void A_node_id_becomes_a_queue_name_Hangfire_accepts(string nodeId, string queue) =>
        Assert.Equal(queue, NodeQueue.For(nodeId));

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.PostgreSql)]
    public async Task A_batch_lands_in_its_nodes_queue_and_another_nodes_server_leaves_it_there(StorageProvider provider)
    {
        await using var nodeA = new TasksConsoleFactory { Provider = provider };
        nodeA.Settings["Execution:NodeId"] = "Node.A";
        var storage = nodeA.Services.GetRequiredService<JobStorage>();
        var monitoring = storage.GetMonitoringApi();

        await Poll.UntilAsync(() => monitoring.Servers().Count == 1, TimeSpan.FromSeconds(60), "node A's Hangfire server to announce itself");
        var server = Assert.Single(monitoring.Servers());
        Assert.Equal(["node_node_a", "default"], server.Queues);

        // A batch node B claimed, in the storage both nodes share; node B's server is not running.
        var client = new BackgroundJobClient(storage);
        new HangfireTaskBatchQueue(client, Options.Create(new ExecutionOptions { NodeId = "Node.B" }))
            .Enqueue("Node.B:claim", ["no-such-task-b"]);
        // And one of node A's own, which A's server runs.
        nodeA.Services.GetRequiredService<ITaskBatchQueue>().Enqueue("Node.A:claim", ["no-such-task-a"]);

        // Other recurring jobs (schedules, clean-up) may succeed beside it, so the batches are picked out by their argument.
        string[] SucceededBatches() => monitoring.SucceededJobs(0, 100)
            .Select(job => job.Value.Job?.Args.FirstOrDefault() as string)
            .OfType<string>().Where(arg => arg.EndsWith(":claim", StringComparison.Ordinal)).ToArray();
        await Poll.UntilAsync(() => SucceededBatches().Length >= 1, TimeSpan.FromSeconds(60), "node A's own batch to run");
        Assert.Equal(["Node.A:claim"], SucceededBatches());
        var waiting = monitoring.EnqueuedJobs("node_node_b", 0, 10);
        Assert.Single(waiting);
        Assert.Equal(["Node.B:claim"], waiting.Select(job => (string)job.Value.Job.Args[0]));
        // The storage takes a finished job's entry off its queue just after recording the success: not at once.
        await Poll.UntilAsync(() => monitoring.EnqueuedCount("node_node_a") == 0, TimeSpan.FromSeconds(30), "node A's finished batch to leave its queue");
        Assert.Equal(0, monitoring.EnqueuedCount("default"));
    }
}
