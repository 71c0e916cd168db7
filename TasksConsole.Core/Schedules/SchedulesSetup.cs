using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace TasksConsole.Core.Schedules;

public static class SchedulesServiceCollectionExtensions
{
    /// <summary>
    /// The schedule service and the wake signal. The host decides whether this node also fires schedules, by
    /// adding <see cref="ScheduleFiringService"/> as a hosted service.
    /// </summary>
    public static IServiceCollection AddSchedulesCore(this IServiceCollection services)
    {
        services.TryAddSingleton<ScheduleWakeSignal>();
        services.TryAddSingleton<ScheduleService>();
        return services;
    }
}
