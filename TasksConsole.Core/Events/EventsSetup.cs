using Microsoft.Extensions.DependencyInjection;

namespace TasksConsole.Core.Events;

public static class EventsServiceCollectionExtensions
{
    public static IServiceCollection AddEventsCore(this IServiceCollection services)
    {
        services.AddSingleton<TaskEventQueries>();
        return services;
    }
}
