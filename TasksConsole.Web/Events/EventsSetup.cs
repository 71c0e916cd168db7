using TasksConsole.Core.Events;

namespace TasksConsole.Web.Events;

public static class EventsSetup
{
    public static IHostApplicationBuilder AddEvents(this IHostApplicationBuilder builder) => builder.AddEventsCore();
}
