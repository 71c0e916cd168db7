using Microsoft.Extensions.DependencyInjection;
using TasksConsole.Core.Events;
using TasksConsole.Core.Functions;

namespace TasksConsole.Core.Tasks;

public static class TasksServiceCollectionExtensions
{
    public static IServiceCollection AddTasksCore(this IServiceCollection services)
    {
        services.AddSingleton<ITaskChangeFeed, TaskChangeFeed>();
        services.AddFunctionCatalog();
        services.AddSingleton<TaskService>();
        services.AddSingleton<TaskQueries>();
        services.AddSingleton<RetryChainQueries>();
        services.AddSingleton<TaskStatistics>();
        services.AddEventsCore();
        return services;
    }
}
