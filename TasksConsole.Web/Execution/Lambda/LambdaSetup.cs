using Microsoft.Extensions.Options;
using TasksConsole.Core.Execution.Lambda;
using TasksConsole.Core.Execution.LocalRuntime;
using TasksConsole.Web.Execution.LocalRuntime;

namespace TasksConsole.Web.Execution.Lambda;

public static class LambdaSetup
{
    /// <summary>
    /// Binds <see cref="LambdaOptions"/> (section <c>Lambda</c>) and registers <see cref="ILambdaInvoker"/>: against
    /// AWS or the configured <c>ServiceUrl</c> when <see cref="LambdaOptions.IsConfigured"/>, otherwise against the
    /// built-in local runtime, which this also starts with the host. Bound here rather than in Core because only
    /// the host can offer the local runtime.
    /// </summary>
    public static IHostApplicationBuilder AddLambda(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<LambdaOptions>()
            .Bind(builder.Configuration.GetSection(LambdaOptions.Section))
            .Validate(o => o.MaxAttempts > 0, "Lambda:MaxAttempts must be positive.")
            .Validate(o => o.MaxRetryDelay >= TimeSpan.Zero && o.TimeoutMargin >= TimeSpan.Zero,
                "Lambda:MaxRetryDelay and TimeoutMargin must not be negative.")
            .ValidateOnStart();
        services.AddSingleton<ILambdaInvoker, LambdaInvoker>();

        // Read once here: the choice decides which services exist.
        var options = builder.Configuration.GetSection(LambdaOptions.Section).Get<LambdaOptions>() ?? new LambdaOptions();
        if (options.IsConfigured)
        {
            services.AddSingleton<ILambdaConnectionSource, AwsLambdaConnectionSource>();
            services.AddHostedService<AwsLambdaStartupLog>();
        }
        else
        {
            services.AddSingleton(provider => new LocalLambdaRuntime(
                provider.GetRequiredService<IOptions<LambdaOptions>>().Value.LocalRuntime,
                LocalDemoFunctions.All,
                provider.GetRequiredService<ILoggerFactory>(),
                provider.GetService<TimeProvider>() ?? TimeProvider.System));
            services.AddHostedService(provider => provider.GetRequiredService<LocalLambdaRuntime>());
            services.AddSingleton<ILambdaConnectionSource, LocalRuntimeConnectionSource>();
        }
        return builder;
    }

    /// <summary>Says at start-up where tasks will run; the local runtime says so itself when it starts listening.</summary>
    private sealed class AwsLambdaStartupLog(IOptions<LambdaOptions> options, ILogger<LambdaInvoker> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            var (endpoint, region) = AwsLambdaConnectionSource.ResolveEndpoint(options.Value);
            logger.LogInformation("Lambda: invoking functions at {Endpoint} (region {Region}{Profile})",
                endpoint, region.SystemName, string.IsNullOrWhiteSpace(options.Value.Profile) ? "" : ", profile " + options.Value.Profile);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
