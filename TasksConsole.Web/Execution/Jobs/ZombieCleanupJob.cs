using Hangfire;
using TasksConsole.Core.Execution;

namespace TasksConsole.Web.Execution.Jobs;

/// <summary>Hangfire recurring job around <see cref="ExecutionRecovery.CleanupAsync"/>, visible in the dashboard.</summary>
public sealed class ZombieCleanupJob(ExecutionRecovery recovery)
{
    public const string Id = "zombie-cleanup";

    [AutomaticRetry(Attempts = 0)]
    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    public Task RunAsync(CancellationToken cancellationToken) => recovery.CleanupAsync(cancellationToken);
}
