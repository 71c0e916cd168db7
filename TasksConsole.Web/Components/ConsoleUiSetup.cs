using MudBlazor.Services;
using TasksConsole.Web.Components.Shared;

namespace TasksConsole.Web.Components;

public static class ConsoleUiSetup
{
    public static IHostApplicationBuilder AddConsoleUi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents()
            // Task data may be 250 KB and the console's editors send their text as it is typed or pasted; the
            // circuit's default 32 KB message limit would drop the connection on a large paste.
            .AddHubOptions(options => options.MaximumReceiveMessageSize = 1024 * 1024);
        builder.Services.AddMudServices();
        builder.Services.AddCascadingAuthenticationState();
        // Per circuit: the console's date and time inputs work in the operator's own time zone.
        builder.Services.AddScoped<BrowserTimeZone>();
        return builder;
    }

    public static WebApplication UseConsoleUiAssets(this WebApplication app)
    {
        app.UseAntiforgery();
        return app;
    }
}
