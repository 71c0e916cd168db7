using TasksConsole.Core.Functions;

namespace TasksConsole.Web.Functions;

public static class FunctionsSetup
{
    public static IHostApplicationBuilder AddFunctions(this IHostApplicationBuilder builder)
    {
        builder.AddFunctionsCore();
        builder.AddFunctionCallRateLimit();
        return builder;
    }
}
