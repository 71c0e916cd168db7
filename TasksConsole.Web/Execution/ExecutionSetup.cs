using TasksConsole.Core.Execution;
using TasksConsole.Core.Execution.LocalRuntime;
using TasksConsole.Core.Functions;
using TasksConsole.Web.Execution.Jobs;
using TasksConsole.Web.Execution.Lambda;
using TasksConsole.Web.Execution.LocalRuntime;

namespace TasksConsole.Web.Execution;

public static class ExecutionSetup
{
    /// <summary>
    /// The engine on this node: Lambda (or the built-in runtime) to call, the engine's parts, the outcome writer,
    /// the dispatcher unless <see cref="ExecutionOptions.DispatcherEnabled"/> is off, and Hangfire to carry batches.
    /// </summary>
    public static IHostApplicationBuilder AddExecution(this IHostApplicationBuilder builder)
    {
        // Hosted services start in registration order: the function runtime, the outcome writer, Hangfire, the dispatcher.
        builder.AddLambda();
        builder.AddExecutionCore();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<OutcomeWriter>());
        builder.AddHangfireJobs();
        // Every node heartbeats, dispatching or not: its row is how the others tell it is alive.
        builder.Services.AddHostedService(provider => provider.GetRequiredService<NodeHeartbeat>());

        // Read once here: whether this node dispatches decides which services run.
        var options = builder.Configuration.GetSection(ExecutionOptions.Section).Get<ExecutionOptions>() ?? new ExecutionOptions();
        if (options.DispatcherEnabled) builder.Services.AddHostedService(provider => provider.GetRequiredService<TaskDispatcher>());
        return builder;
    }

    /// <summary>On the built-in runtime's first start, registers its demo functions so there is something to run.</summary>
    public static async Task EnsureDemoFunctionsAsync(this WebApplication app)
    {
        if (app.Services.GetService<LocalLambdaRuntime>() is null) return;
        await app.Services.GetRequiredService<FunctionSeeder>().EnsureDemoFunctionsAsync(LocalDemoFunctions.All.Select(f =>
            new DemoFunctionSpec(f.Name, f.Description, (int)Math.Ceiling(f.TimeLimit.TotalSeconds), f.RetryRecommended, ErrorsToRetry: null, f.PermissionMode)));
    }
}
