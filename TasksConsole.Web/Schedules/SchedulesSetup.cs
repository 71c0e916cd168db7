using TasksConsole.Core.Schedules;

namespace TasksConsole.Web.Schedules;

public static class SchedulesSetup
{
    /// <summary>The schedule service, and this node's firing loop.</summary>
    public static IHostApplicationBuilder AddSchedules(this IHostApplicationBuilder builder)
    {
        builder.AddSchedulesCore();
        builder.Services.AddHostedService<ScheduleFiringService>();
        return builder;
    }
}
