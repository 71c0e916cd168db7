using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace TasksConsole.Core.Events;

public static class EventsSetup
{
    public static IHostApplicationBuilder AddEventsCore(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<TaskEventQueries>();
        return builder;
    }
}
