using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace TasksConsole.Core.Functions;

public static class FunctionsServiceCollectionExtensions
{
    public static IServiceCollection AddFunctionsCore(this IServiceCollection services)
    {
        services.AddFunctionCatalog();
        services.TryAddSingleton<FunctionService>();
        services.TryAddSingleton<FunctionSeeder>();
        services.TryAddSingleton<FunctionStatistics>();
        return services;
    }

    /// <summary>The catalog alone: task creation reads default priorities from it, with or without the registry API.</summary>
    public static IServiceCollection AddFunctionCatalog(this IServiceCollection services)
    {
        services.TryAddSingleton<IFunctionCatalog, FunctionCatalog>();
        return services;
    }
}
