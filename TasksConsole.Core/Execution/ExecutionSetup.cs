using Microsoft.Extensions.DependencyInjection;

namespace TasksConsole.Core.Execution;

public static class ExecutionServiceCollectionExtensions
{
    /// <summary>
    /// The engine's parts. The host adds the job queue (<see cref="ITaskBatchQueue"/>), the Lambda invoker, and
    /// runs <see cref="OutcomeWriter"/> and <see cref="TaskDispatcher"/> as hosted services.
    /// </summary>
    public static IServiceCollection AddTaskEngine(this IServiceCollection services, ExecutionOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<CapacityTracker>();
        services.AddSingleton<DispatchSignal>();
        services.AddSingleton<TaskClaimer>();
        services.AddSingleton<TaskInvoker>();
        services.AddSingleton<OutcomeWriter>();
        services.AddSingleton<TaskRunner>();
        services.AddSingleton<ExecutionRecovery>();
        services.AddSingleton<TaskDispatcher>();
        services.AddSingleton<DirectExecutor>();
        services.AddTransient<TaskExecutionJob>();
        services.AddTransient<ZombieCleanupJob>();
        return services;
    }
}
