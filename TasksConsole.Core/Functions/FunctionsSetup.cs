using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using TasksConsole.Core.Common;

namespace TasksConsole.Core.Functions;

public static class FunctionsSetup
{
    public static IHostApplicationBuilder AddFunctionsCore(this IHostApplicationBuilder builder)
    {
        builder.AddCommonCore();
        builder.Services.AddFunctionCatalog();
        builder.Services.AddOptions<FunctionsOptions>().Bind(builder.Configuration.GetSection(FunctionsOptions.Section));
        builder.Services.TryAddSingleton<FunctionService>();
        builder.Services.TryAddSingleton<FunctionSeeder>();
        builder.Services.TryAddSingleton<FunctionStatistics>();
        return builder;
    }

    /// <summary>The catalog alone: task creation reads default priorities from it, with or without the registry API.</summary>
    internal static IServiceCollection AddFunctionCatalog(this IServiceCollection services)
    {
        services.TryAddSingleton<IFunctionCatalog, FunctionCatalog>();
        return services;
    }
}
