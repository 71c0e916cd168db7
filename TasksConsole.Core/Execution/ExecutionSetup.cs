using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TasksConsole.Core.Common;
using TasksConsole.Core.Execution.Pauses;
using TasksConsole.Core.Execution.Waiting;
using TasksConsole.Core.Metrics;
using TasksConsole.Core.Webhooks;

namespace TasksConsole.Core.Execution;

public static class ExecutionSetup
{
    /// <summary>
    /// Binds <see cref="ExecutionOptions"/> and registers the engine's parts. The host adds the job queue
    /// (<see cref="ITaskBatchQueue"/>) and the Lambda invoker, and decides whether this node runs
    /// <see cref="OutcomeWriter"/> and <see cref="TaskDispatcher"/> as hosted services.
    /// </summary>
    public static IHostApplicationBuilder AddExecutionCore(this IHostApplicationBuilder builder)
    {
        builder.AddCommonCore();
        builder.AddMetricsCore();
        // Outcomes fill the webhook outbox in their own transaction.
        builder.AddWebhooksCore();
        var services = builder.Services;
        services.AddOptions<ExecutionOptions>()
            .Bind(builder.Configuration.GetSection(ExecutionOptions.Section))
            .Validate(o => !string.IsNullOrWhiteSpace(o.NodeId), "Execution:NodeId must not be empty.")
            .Validate(o => o.MaxConcurrency > 0 && o.BatchSize > 0 && o.WorkerCount > 0 && o.MaxQueuedJobs > 0,
                "Execution:MaxConcurrency, BatchSize, WorkerCount and MaxQueuedJobs must be positive.")
            .Validate(o => o.FallbackPoll > TimeSpan.Zero && o.QueuePollInterval > TimeSpan.Zero && o.ClaimTimeout > TimeSpan.Zero && o.JobRetention > TimeSpan.Zero,
                "Execution:FallbackPoll, QueuePollInterval, ClaimTimeout and JobRetention must be positive.")
            .Validate(o => o.HeartbeatInterval > TimeSpan.Zero && o.NodeTimeout > o.HeartbeatInterval && o.DeadNodeRetention >= o.NodeTimeout,
                "Execution:HeartbeatInterval must be positive, NodeTimeout longer than it, and DeadNodeRetention at least NodeTimeout.")
            .Validate(o => o.LookAhead >= TimeSpan.Zero && o.ClaimGathering >= TimeSpan.Zero && o.ZombieGrace >= TimeSpan.Zero && o.MaxStoredResultBytes >= 0,
                "Execution:LookAhead, ClaimGathering, ZombieGrace and MaxStoredResultBytes must not be negative.")
            .ValidateOnStart();
        services.AddSingleton<CapacityTracker>();
        services.AddSingleton<DispatchSignal>();
        services.AddSingleton<DispatchPauses>();
        services.AddSingleton<TaskClaimer>();
        services.AddSingleton<TaskInvoker>();
        services.AddSingleton<OutcomeWriter>();
        services.AddSingleton<TaskRunner>();
        services.AddSingleton<ExecutionRecovery>();
        services.AddSingleton<TaskDispatcher>();
        services.AddSingleton<DirectExecutor>();
        services.AddSingleton<NodeHeartbeat>();
        services.AddSingleton<NodeQueries>();
        services.AddSingleton<TaskWaitExplainer>();
        services.AddSingleton<StuckTasks>();
        return builder;
    }
}
