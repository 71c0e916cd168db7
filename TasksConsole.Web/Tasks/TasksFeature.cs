namespace TasksConsole.Web.Tasks;

public static class TasksFeature
{
    public static IServiceCollection AddTasksFeature(this IServiceCollection services) => services;

    public static WebApplication MapTasksEndpoints(this WebApplication app) => app;
}
