namespace TasksConsole.Web.Components;

public static class ConsoleUiEndpoints
{
    /// <summary>The console's static assets and its pages, rendered interactively on the server.</summary>
    public static WebApplication MapConsoleUi(this WebApplication app)
    {
        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
