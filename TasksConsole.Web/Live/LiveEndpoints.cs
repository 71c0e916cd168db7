namespace TasksConsole.Web.Live;

public static class LiveEndpoints
{
    public static WebApplication MapLiveEndpoints(this WebApplication app)
    {
        app.MapHub<TasksHub>(HubPaths.Tasks);
        return app;
    }
}
