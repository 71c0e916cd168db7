using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using TasksConsole.Core.Common;

namespace TasksConsole.Core.ApiFunctions;

public static class ApiFunctionsSetup
{
    /// <summary>The API function invoker and the request store; the Lambda invoker itself comes with the engine.</summary>
    public static IHostApplicationBuilder AddApiFunctionsCore(this IHostApplicationBuilder builder)
    {
        builder.AddCommonCore();
        builder.Services.TryAddSingleton<ApiFunctionInvoker>();
        builder.Services.TryAddSingleton<ApiRequestService>();
        builder.Services.TryAddSingleton<ApiRequestFeed>();
        builder.Services.TryAddSingleton<ApiRequestRecorder>();
        return builder;
    }
}
