using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using TasksConsole.Core.Common;

namespace TasksConsole.Core.Metrics;

public static class MetricsSetup
{
    /// <summary>
    /// Registers <see cref="TasksMetrics"/>. The features that report to it (tasks, execution) call this, so either
    /// registered alone has it; TryAdd keeps one instance. Exporting the meter is the host's business.
    /// </summary>
    public static IHostApplicationBuilder AddMetricsCore(this IHostApplicationBuilder builder)
    {
        builder.AddCommonCore();
        builder.Services.TryAddSingleton<TasksMetrics>();
        return builder;
    }
}
