using Scalar.AspNetCore;

namespace TasksConsole.Web.Api;

public static class ApiReferenceEndpoints
{
    /// <summary>The OpenAPI document and its browsable reference, open to everyone like the docs they replace.</summary>
    public static WebApplication MapApiReference(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapScalarApiReference("/api-reference", options => options
            .WithTitle("TasksConsole API")
            .WithOpenApiRoutePattern("/openapi/{documentName}.json")).AllowAnonymous();
        return app;
    }
}
