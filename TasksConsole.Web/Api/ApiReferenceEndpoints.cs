using Scalar.AspNetCore;

namespace TasksConsole.Web.Api;

public static class ApiReferenceEndpoints
{
    /// <summary>The console's font stacks, for the reference in place of Scalar's web fonts.</summary>
    private const string SystemFonts = """
        :root {
            --scalar-font: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
            --scalar-font-code: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
        }
        """;

    /// <summary>The OpenAPI document and its browsable reference, open to everyone like the docs they replace.</summary>
    public static WebApplication MapApiReference(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapScalarApiReference("/api-reference", options => options
            .WithTitle("TasksConsole API")
            .WithOpenApiRoutePattern("/openapi/{documentName}.json")
            // Scalar's own fonts come from its CDN: a third-party host on every visit, and nothing on a closed
            // network. The reference uses the console's system font stacks instead and loads nothing from elsewhere.
            .DisableDefaultFonts()
            .WithCustomCss(SystemFonts)).AllowAnonymous();
        return app;
    }
}
