namespace TasksConsole.Web.Auth;

// Placeholder until authentication lands; replaced by the auth feature.
public static class AuthSetup
{
    public static WebApplicationBuilder AddTasksConsoleAuth(this WebApplicationBuilder builder)
    {
        builder.Services.AddAuthentication();
        builder.Services.AddAuthorization();
        return builder;
    }

    public static WebApplication UseTasksConsoleAuth(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    public static WebApplication MapAuthEndpoints(this WebApplication app) => app;

    public static Task EnsureBootstrapAdminAsync(this WebApplication app) => Task.CompletedTask;
}
