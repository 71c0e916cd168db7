using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging;
using TasksConsole.Core.Common;

namespace TasksConsole.Core.Data;

/// <summary>
/// Logs failed saves in place of EF Core's own Error per failure. While the store cannot take writes (disk full,
/// read-only, server gone: <see cref="StoreErrors.StoreUnavailableReason"/>) every save of every background round
/// fails, and EF Core wrote an Error with the whole exception for each, several a second, burying the line the
/// operator needs: those are paced to one a minute with a count. Any other failure is logged at once, as EF Core did.
/// </summary>
public sealed class SaveFailureLog(ILogger<SaveFailureLog> logger, TimeProvider clock) : ISaveChangesInterceptor
{
    private readonly RepeatedFaultLog _storeFault = new(clock, TimeSpan.FromMinutes(1));

    /// <summary>Puts this log in place of EF Core's <see cref="CoreEventId.SaveChangesFailed"/> Error.</summary>
    public DbContextOptionsBuilder Apply(DbContextOptionsBuilder options) => options
        .AddInterceptors(this)
        .ConfigureWarnings(warnings => warnings.Log((CoreEventId.SaveChangesFailed, LogLevel.Debug)));

    public void SaveChangesFailed(DbContextErrorEventData eventData) => Log(eventData);

    public Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Log(eventData);
        return Task.CompletedTask;
    }

    private void Log(DbContextErrorEventData eventData)
    {
        if (StoreErrors.StoreUnavailableReason(eventData.Exception) is not { } reason)
        {
            logger.LogError(eventData.Exception, "Saving changes failed in {Context}", eventData.Context?.GetType().Name);
        }
        else if (_storeFault.ShouldLog(out var unlogged))
        {
            logger.LogError(eventData.Exception,
                "Saving changes failed: the store cannot take writes ({Reason}); saves fail until an operator resolves it ({Unlogged} more since the last report)",
                reason, unlogged);
        }
    }
}
