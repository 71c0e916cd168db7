using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using MudBlazor;
using MudBlazor.Services;
using TasksConsole.Web.Api;
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
        builder.Services.AddMudServices(options =>
            // Bottom left, over the navigation rather than the page: the page's action buttons sit top right (and
            // the pager bottom right), where a snackbar would cover the very button that raised it.
            options.SnackbarConfiguration.PositionClass = Defaults.Classes.Position.BottomLeft);
        builder.Services.AddCascadingAuthenticationState();
        // Per circuit: the console's date and time inputs work in the operator's own time zone.
        builder.Services.AddScoped<BrowserTimeZone>();
        return builder;
    }

    public static WebApplication UseConsoleUiAssets(this WebApplication app)
    {
        // The console's pages and circuits (which take the culture of the request that opened them) write dates the
        // one console way; the API is left to its own, culture-free formatting.
        app.Use((context, next) =>
        {
            if (!ApiPaths.IsApi(context.Request.Path))
            {
                CultureInfo.CurrentCulture = TimeText.ConsoleCulture;
                CultureInfo.CurrentUICulture = TimeText.ConsoleCulture;
            }
            return next(context);
        });
        // An address without a page of its own (an unknown route, a 405) gets the console's status page rather
        // than the browser's bare error; API clients keep the API's own answers.
        app.UseStatusCodePagesWithReExecute("/status/{0}", createScopeForStatusCodePages: true);
        app.Use((context, next) =>
        {
            if (ApiPaths.IsApi(context.Request.Path) && context.Features.Get<IStatusCodePagesFeature>() is { } pages)
            {
                pages.Enabled = false;
            }
            return next(context);
        });
        app.UseAntiforgery();
        return app;
    }
}
