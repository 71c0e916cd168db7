using Microsoft.Extensions.DependencyInjection;

namespace TasksConsole.Core.Tasks;

public static class TasksServiceCollectionExtensions
{
    public static IServiceCollection AddTasksCore(this IServiceCollection services)
    {
        services.AddSingleton<ITaskChangeFeed, TaskChangeFeed>();
        services.AddSingleton<TaskService>();
        services.AddSingleton<TaskQueries>();
        return services;
    }
}
