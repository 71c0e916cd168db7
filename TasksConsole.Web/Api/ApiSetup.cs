using TasksConsole.Core.Common;

namespace TasksConsole.Web.Api;

public static class ApiSetup
{
    public static IHostApplicationBuilder AddApi(this IHostApplicationBuilder builder)
    {
        builder.Services.ConfigureHttpJsonOptions(options => ApiJson.Configure(options.SerializerOptions));
        builder.Services.AddExceptionHandler<ApiExceptionHandler>();
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "TasksConsole API";
            document.Info.Description =
                "Extra Horizon Tasks Service compatible API. Query strings on list endpoints are RQL; " +
                "authenticate with a bearer token from POST /auth/v2/oauth2/tokens or an API token.";
            return Task.CompletedTask;
        }));
        return builder;
    }

    public static WebApplication UseTasksApiErrorHandling(this WebApplication app)
    {
        app.UseExceptionHandler();
        // Unmatched API routes and wrong methods answer in the EXH error shape instead of an empty 404/405.
        app.UseStatusCodePages(async context =>
        {
            var http = context.HttpContext;
            if (!ApiPaths.IsApi(http.Request.Path) || http.Response.HasStarted) return;
            var (error, message) = http.Response.StatusCode switch
            {
                StatusCodes.Status404NotFound => (ErrorCode.ResourceUnknown, $"No resource at {http.Request.Path}."),
                StatusCodes.Status405MethodNotAllowed => (ErrorCode.IllegalArgument, $"{http.Request.Method} is not supported on {http.Request.Path}."),
                StatusCodes.Status413PayloadTooLarge => (ErrorCode.BodyFormat, "The request body is too large."),
                StatusCodes.Status415UnsupportedMediaType => (ErrorCode.BodyFormat, "The request body must be JSON."),
                _ => (ErrorCode.IllegalArgument, $"The request failed with status {http.Response.StatusCode}."),
            };
            await ApiErrors.WriteAsync(http, error, message, http.Response.StatusCode);
        });
        return app;
    }
}
