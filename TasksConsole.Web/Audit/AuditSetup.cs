using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Extensions.DependencyInjection.Extensions;
using TasksConsole.Core.Audit;
using TasksConsole.Web.Auth;

namespace TasksConsole.Web.Audit;

public static class AuditSetup
{
    /// <summary>The audit trail's retention purge, and who acts: from the request, or from the console's circuit.</summary>
    public static IHostApplicationBuilder AddAudit(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<AuditOptions>(builder.Configuration.GetSection(AuditOptions.Section));
        builder.Services.AddHostedService<AuditRetention>();
        builder.Services.AddHttpContextAccessor();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Scoped<CircuitHandler, AuditCircuitHandler>());
        return builder;
    }

    /// <summary>
    /// Makes the signed-in caller of each request the audit actor for its work: after authentication, so the
    /// caller is known; API paths are the <c>api</c> source, everything else (the sign-in form) the console.
    /// </summary>
    public static WebApplication UseAuditActor(this WebApplication app)
    {
        app.Use(async (http, next) =>
        {
            var user = http.User;
            var signedIn = user.Identity?.IsAuthenticated == true;
            var path = http.Request.Path;
            var source = path.StartsWithSegments("/tasks/v1") || path.StartsWithSegments("/admin/v1") || path.StartsWithSegments("/auth/v2")
                ? AuditSources.Api
                : AuditSources.Console;
            using (AuditContext.Use(new AuditActor(
                       signedIn ? user.GetUserId() : null, signedIn ? user.Identity!.Name : null, user.GetApplicationId(), source,
                       http.Connection.RemoteIpAddress?.ToString())))
            {
                await next(http);
            }
        });
        return app;
    }
}
