using MudBlazor.Services;

namespace TasksConsole.Web.Components;

public static class ConsoleUiSetup
{
    public static WebApplicationBuilder AddConsoleUi(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
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
