using Hangfire;
using Hangfire.Dashboard;
using Hangfire.Storage.SQLite;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Execution;
using TasksConsole.Core.Execution.LocalRuntime;
using TasksConsole.Core.Functions;
using TasksConsole.Core.Tasks;
using TasksConsole.Web.Auth;
using TasksConsole.Web.Live;
using TasksConsole.Web.Execution.LocalRuntime;
using TasksConsole.Web.Storage;

namespace TasksConsole.Web.Execution;

public static class ExecutionSetup
{
    /// <summary>The engine: dispatcher, Hangfire (SQLite storage in the data directory), outcome recording, recovery, live feed.</summary>
    public static WebApplicationBuilder AddTaskExecution(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(ExecutionOptions.Section).Get<ExecutionOptions>() ?? new ExecutionOptions();
        var services = builder.Services;
        services.AddTaskEngine(options);
        services.AddHostedService(provider => provider.GetRequiredService<OutcomeWriter>());
        services.AddSingleton<ITaskBatchQueue, HangfireTaskBatchQueue>();

        services.AddHangfire((provider, configuration) => configuration
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseSQLiteStorage(
                Path.Combine(provider.GetRequiredService<DataDirectory>().Path, "hangfire.db"),
                new SQLiteStorageOptions { QueuePollInterval = options.QueuePollInterval }));
        services.AddHangfireServer(server =>
        {
            server.WorkerCount = options.WorkerCount;
            server.SchedulePollingInterval = TimeSpan.FromSeconds(1);
            server.ServerName = options.NodeId;
        });
        if (options.DispatcherEnabled) services.AddHostedService(provider => provider.GetRequiredService<TaskDispatcher>());

        services.AddSignalR();
        services.AddHostedService<TaskChangeRelay>();
        return builder;
    }

    /// <summary>On the built-in runtime's first start, registers its demo functions so there is something to run.</summary>
    public static async Task EnsureDemoFunctionsAsync(this WebApplication app)
    {
        if (app.Services.GetService<LocalLambdaRuntime>() is null) return;
        await app.Services.GetRequiredService<FunctionSeeder>().EnsureDemoFunctionsAsync(LocalDemoFunctions.All.Select(f =>
            new DemoFunctionSpec(f.Name, f.Description, (int)Math.Ceiling(f.TimeLimit.TotalSeconds), f.RetryRecommended, ErrorsToRetry: null)));
    }

    public static WebApplication MapTaskExecution(this WebApplication app)
    {
        // A task due before the dispatcher's next look wakes it instead of waiting for that look.
        var signal = app.Services.GetRequiredService<DispatchSignal>();
        app.Services.GetRequiredService<ITaskChangeFeed>().Subscribe(change =>
        {
            if (change.Kind == TaskChangeKind.Created) signal.WakeForStart(change.StartTimestamp);
        });

        app.Services.GetRequiredService<IRecurringJobManager>()
            .AddOrUpdate<ZombieCleanupJob>(ZombieCleanupJob.Id, job => job.RunAsync(CancellationToken.None), Cron.Minutely());

        app.MapHangfireDashboard("/hangfire", new DashboardOptions
        {
            Authorization = [new ConsoleAdminDashboardFilter()],
            AppPath = "/",
            DashboardTitle = "TasksConsole jobs",
        });
        app.MapHub<TasksHub>(HubPaths.Tasks);
        return app;
    }

    /// <summary>The Hangfire dashboard is for signed-in admins only; it is never open.</summary>
    private sealed class ConsoleAdminDashboardFilter : IDashboardAuthorizationFilter
    {
        public bool Authorize(DashboardContext context) =>
            context.GetHttpContext().User.HasPermission(Permissions.AccessJobDashboard);
    }
}
