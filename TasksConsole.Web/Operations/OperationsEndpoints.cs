using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TasksConsole.Web.Operations;

public static class OperationsEndpoints
{
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";
    public const string MetricsPath = "/metrics";
    public const string ReadyTag = "ready";

    /// <summary>A check that has not answered by then counts as failed: a load balancer must not wait on a hung store.</summary>
    public static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(5);

    public static WebApplication MapOperationsEndpoints(this WebApplication app)
    {
        // Live: the process answers; no dependency is checked, so a slow store never gets a healthy node restarted.
        app.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync })
            .AllowAnonymous().ExcludeFromDescription();
        // Ready: the store and Hangfire's storage answer; otherwise 503 with the failed checks named.
        app.MapHealthChecks(ReadyPath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag), ResponseWriter = WriteAsync })
            .AllowAnonymous().ExcludeFromDescription();
        app.MapPrometheusScrapingEndpoint(MetricsPath).RequireAuthorization(MetricsAccessRequirement.Policy);
        return app;
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary><c>{status, failed: [names], checks: [{name, status, description}]}</c>; no exception text leaves the node.</summary>
    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        var body = new
        {
            status = report.Status.ToString(),
            failed = report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy).Select(e => e.Key).ToArray(),
            checks = report.Entries.Select(e => new { name = e.Key, status = e.Value.Status.ToString(), description = e.Value.Description }).ToArray(),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, Json));
    }
}
