using Microsoft.AspNetCore.Authorization;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using TasksConsole.Core.Metrics;
using TasksConsole.Web.Auth;

namespace TasksConsole.Web.Operations;

public static class OperationsSetup
{
    /// <summary>
    /// What a load balancer and a monitoring system read: health checks (the store and Hangfire's storage for
    /// readiness), the service's meter exported for Prometheus, and who may scrape it.
    /// </summary>
    public static IHostApplicationBuilder AddOperations(this IHostApplicationBuilder builder)
    {
        builder.AddMetricsCore();
        var services = builder.Services;
        services.AddOptions<MetricsOptions>()
            .Bind(builder.Configuration.GetSection(MetricsOptions.Section))
            .Validate(o => o.AreValid(), "Metrics:AllowedNetworks must be CIDR ranges such as 10.0.0.0/8 or ::1/128.")
            .ValidateOnStart();

        services.AddHealthChecks()
            .AddCheck<StoreHealthCheck>(StoreHealthCheck.Name, tags: [OperationsEndpoints.ReadyTag], timeout: OperationsEndpoints.CheckTimeout)
            .AddCheck<HangfireHealthCheck>(HangfireHealthCheck.Name, tags: [OperationsEndpoints.ReadyTag], timeout: OperationsEndpoints.CheckTimeout);

        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(TasksMetrics.MeterName))
            .WithMetrics(metrics => metrics
            .AddMeter(TasksMetrics.MeterName)
            // The runtime's own meter: GC heap sizes, working set, thread pool, exceptions, for an operator watching a node's memory.
            .AddMeter("System.Runtime")
            .AddPrometheusExporter());

        services.AddSingleton<IAuthorizationHandler, MetricsAccessHandler>();
        services.AddAuthorizationBuilder().AddPolicy(MetricsAccessRequirement.Policy, policy => policy
            // The bearer scheme only: a console cookie does not open it, and a refusal is a 401/403, not a sign-in page.
            .AddAuthenticationSchemes(AuthPrincipals.BearerScheme)
            .AddRequirements(new MetricsAccessRequirement()));
        return builder;
    }
}
