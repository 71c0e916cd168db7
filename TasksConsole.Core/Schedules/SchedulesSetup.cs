using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using TasksConsole.Core.Common;

namespace TasksConsole.Core.Schedules;

public static class SchedulesSetup
{
    /// <summary>
    /// The schedule service and the wake signal. The host decides whether this node also fires schedules, by
    /// adding <see cref="ScheduleFiringService"/> as a hosted service.
    /// </summary>
    public static IHostApplicationBuilder AddSchedulesCore(this IHostApplicationBuilder builder)
    {
        builder.AddCommonCore();
        builder.Services.TryAddSingleton<ScheduleWakeSignal>();
        builder.Services.TryAddSingleton<ScheduleService>();
        return builder;
    }
}
