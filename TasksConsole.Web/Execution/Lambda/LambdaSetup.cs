using TasksConsole.Core.Execution.Lambda;
using TasksConsole.Core.Execution.LocalRuntime;
using TasksConsole.Web.Execution.LocalRuntime;

namespace TasksConsole.Web.Execution;

public static class LambdaSetup
{
    /// <summary>
    /// Binds <see cref="LambdaOptions"/> (section <c>Lambda</c>) and registers <see cref="ILambdaInvoker"/>: against
    /// AWS or the configured <c>ServiceUrl</c> when <see cref="LambdaOptions.IsConfigured"/>, otherwise against the
    /// built-in local runtime, which this also starts with the host.
    /// </summary>
    public static WebApplicationBuilder AddLambdaExecution(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(LambdaOptions.Section).Get<LambdaOptions>() ?? new LambdaOptions();
        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton<ILambdaInvoker, LambdaInvoker>();

        if (options.IsConfigured)
        {
            services.AddSingleton<ILambdaConnectionSource, AwsLambdaConnectionSource>();
            services.AddHostedService<AwsLambdaStartupLog>();
        }
        else
        {
            services.AddSingleton(provider => new LocalLambdaRuntime(
                options.LocalRuntime,
                LocalDemoFunctions.All,
                provider.GetRequiredService<ILoggerFactory>(),
                provider.GetService<TimeProvider>() ?? TimeProvider.System));
            services.AddHostedService(provider => provider.GetRequiredService<LocalLambdaRuntime>());
            services.AddSingleton<ILambdaConnectionSource, LocalRuntimeConnectionSource>();
        }
        return builder;
    }

    /// <summary>Says at start-up where tasks will run; the local runtime says so itself when it starts listening.</summary>
    private sealed class AwsLambdaStartupLog(LambdaOptions options, ILogger<LambdaInvoker> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            var (endpoint, region) = AwsLambdaConnectionSource.ResolveEndpoint(options);
            logger.LogInformation("Lambda: invoking functions at {Endpoint} (region {Region}{Profile})",
                endpoint, region.SystemName, string.IsNullOrWhiteSpace(options.Profile) ? "" : ", profile " + options.Profile);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
