using TasksConsole.Core.ApiFunctions;

namespace TasksConsole.Web.ApiFunctions;

public static class ApiFunctionsSetup
{
    public static IHostApplicationBuilder AddApiFunctions(this IHostApplicationBuilder builder)
    {
        builder.AddApiFunctionsCore();
        builder.Services.Configure<ApiFunctionsOptions>(builder.Configuration.GetSection(ApiFunctionsOptions.Section));
        builder.Services.AddHostedService(provider => provider.GetRequiredService<ApiRequestRecorder>());
        return builder;
    }

    public static WebApplication MapApiFunctions(this WebApplication app)
    {
        app.MapApiFunctionEndpoints();
        app.MapApiRequestsEndpoints();
        return app;
    }
}
