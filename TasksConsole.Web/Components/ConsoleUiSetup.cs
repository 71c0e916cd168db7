using MudBlazor.Services;

namespace TasksConsole.Web.Components;

public static class ConsoleUiSetup
{
    public static WebApplicationBuilder AddConsoleUi(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents()
            // Task data may be 250 KB and the console's editors send their text as it is typed or pasted; the
            // circuit's default 32 KB message limit would drop the connection on a large paste.
            .AddHubOptions(options => options.MaximumReceiveMessageSize = 1024 * 1024);
        builder.Services.AddMudServices();
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddScoped<Live.CircuitTaskChanges>();
        return builder;
    }

    public static WebApplication UseConsoleUiAssets(this WebApplication app)
    {
        app.UseAntiforgery();
        return app;
    }

    public static WebApplication MapConsoleUi(this WebApplication app)
    {
        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
