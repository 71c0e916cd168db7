using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using TasksConsole.Core.Data;

namespace TasksConsole.Web.Operations;

/// <summary>The tasks store answers a query through the DbContext (whichever provider it is).</summary>
public sealed class StoreHealthCheck(IDbContextFactory<TasksDbContext> dbFactory, ILogger<StoreHealthCheck> logger) : IHealthCheck
{
    public const string Name = "store";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            // A read of the tasks table, not a bare connect: a database without the service's tables is not ready.
            await db.Tasks.AsNoTracking().Select(t => t.Id).FirstOrDefaultAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(ex, "Readiness: the tasks store did not answer");
            return HealthCheckResult.Unhealthy("The tasks store did not answer a query.");
        }
    }
}

/// <summary>Hangfire's job storage answers (it carries claimed batches to the workers).</summary>
public sealed class HangfireHealthCheck(JobStorage storage, ILogger<HangfireHealthCheck> logger) : IHealthCheck
{
    public const string Name = "hangfire";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            // The servers list is a read of the storage's own tables: cheap, and it fails when the storage is gone.
            storage.GetMonitoringApi().Servers();
            return Task.FromResult(HealthCheckResult.Healthy());
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Readiness: Hangfire's job storage did not answer");
            return Task.FromResult(HealthCheckResult.Unhealthy("Hangfire's job storage did not answer."));
        }
    }
}
