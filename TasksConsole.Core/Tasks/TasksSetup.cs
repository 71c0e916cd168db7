using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TasksConsole.Core.Common;
using TasksConsole.Core.Data;
using TasksConsole.Core.Functions;
using TasksConsole.Core.Metrics;
using TasksConsole.Core.Tasks.Reruns;
using TasksConsole.Core.Tasks.Retention;
using TasksConsole.Core.Tasks.Search;
using TasksConsole.Core.Views;

namespace TasksConsole.Core.Tasks;

public static class TasksSetup
{
    public static IHostApplicationBuilder AddTasksCore(this IHostApplicationBuilder builder)
    {
        builder.AddCommonCore();
        builder.AddMetricsCore();
        var services = builder.Services;
        services.AddSingleton<ITaskChangeFeed, TaskChangeFeed>();
        services.AddFunctionCatalog();
        services.AddSingleton<TaskService>();
        services.Configure<TaskSearchOptions>(builder.Configuration.GetSection(TaskSearchOptions.Section));
        services.AddSingleton<TaskQueries>();
        services.AddSingleton<SavedViews>();
        services.AddSingleton<RetryChainQueries>();
        services.AddSingleton<TaskStatistics>();
        services.AddSingleton<TaskReruns>();
        services.AddHostedService<RerunJobRunner>();
        services.Configure<TaskRetentionOptions>(builder.Configuration.GetSection(TaskRetentionOptions.Section));
        services.AddSingleton<TaskRetention>();
        services.AddHostedService(provider => provider.GetRequiredService<TaskRetention>());
        if (builder.GetStorageProvider() == StorageProvider.PostgreSql)
        {
            services.AddSingleton<TagCountCompactor>();
            services.AddHostedService(provider => provider.GetRequiredService<TagCountCompactor>());
        }
        return builder;
    }
}
