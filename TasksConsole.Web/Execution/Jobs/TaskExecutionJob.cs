using System.ComponentModel;
using Hangfire;
using Hangfire.States;
using Microsoft.Extensions.Options;
using TasksConsole.Core.Execution;

namespace TasksConsole.Web.Execution.Jobs;

/// <summary>
/// Hands claimed batches to Hangfire: its job storage is the durable queue between dispatching and running. Each batch
/// goes to this node's own queue (<see cref="NodeQueue"/>): with Hangfire on PostgreSQL every node's workers share one
/// job storage, and a batch run by another node's worker would escape the claiming node's capacity accounting, and
/// would run on after the claiming node died and its claims were released to the survivors.
/// </summary>
public sealed class HangfireTaskBatchQueue(IBackgroundJobClient jobs, IOptions<ExecutionOptions> options) : ITaskBatchQueue
{
    private readonly EnqueuedState _nodeQueue = new(NodeQueue.For(options.Value.NodeId));

    public void Enqueue(string claimToken, IReadOnlyList<string> taskIds) =>
        jobs.Create<TaskExecutionJob>(job => job.RunAsync(claimToken, taskIds.ToArray(), CancellationToken.None), _nodeQueue);
}

/// <summary>The Hangfire queue only this node's server listens to.</summary>
public static class NodeQueue
{
    /// <summary>
    /// <c>node_</c> and the node id in the only characters Hangfire allows in a queue name (lower-case letters, digits,
    /// <c>_</c> and <c>-</c>); any other character becomes <c>_</c>. Node ids that differ only there share a queue,
    /// so give nodes ids that differ in letters or digits.
    /// </summary>
    public static string For(string nodeId)
    {
        var name = string.Create(nodeId.Length, nodeId, (chars, id) =>
        {
            for (var i = 0; i < id.Length; i++)
            {
                var c = char.ToLowerInvariant(id[i]);
                chars[i] = c is >= 'a' and <= 'z' or >= '0' and <= '9' or '_' or '-' ? c : '_';
            }
        });
        return "node_" + name;
    }
}

/// <summary>
/// The Hangfire job that runs a claimed batch. Hangfire's own retries are off: the function's retry policy is the
/// only retry authority, and a job re-run after a crash finds its tasks already started or released.
/// </summary>
public sealed class TaskExecutionJob(TaskRunner runner)
{
    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Delete)]
    [DisplayName("Run {1} (claim {0})")]
    public Task RunAsync(string claimToken, string[] taskIds, CancellationToken cancellationToken) =>
        runner.RunBatchAsync(claimToken, taskIds, cancellationToken);
}
