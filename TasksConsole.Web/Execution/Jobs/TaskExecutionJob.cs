using System.ComponentModel;
using Hangfire;
using TasksConsole.Core.Execution;

namespace TasksConsole.Web.Execution.Jobs;

/// <summary>Hands claimed batches to Hangfire: its job storage is the durable queue between dispatching and running.</summary>
public sealed class HangfireTaskBatchQueue(IBackgroundJobClient jobs) : ITaskBatchQueue
{
    public void Enqueue(string claimToken, IReadOnlyList<string> taskIds) =>
        jobs.Enqueue<TaskExecutionJob>(job => job.RunAsync(claimToken, taskIds.ToArray(), CancellationToken.None));
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
