using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace TasksConsole.Core.Common;

/// <summary>
/// Housekeeping that runs every <see cref="Interval"/> in the background (purges): first a minute after start, so
/// that it stays out of the way of startup, then on a timer. A failed run is logged and the next one tries again.
/// </summary>
public abstract class PeriodicJob(TimeProvider clock, ILogger logger) : BackgroundService
{
    protected TimeProvider Clock { get; } = clock;

    /// <summary>Whether the job has anything to do at all (a purge with no period set does not run).</summary>
    protected abstract bool Enabled { get; }

    protected abstract TimeSpan Interval { get; }

    /// <summary>What a failed run failed at, for the log: "Purging old audit entries".</summary>
    protected abstract string Activity { get; }

    protected abstract Task RunOnceAsync(CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled) return;
        try
        {
            await Task.Delay(TimeSpan.FromMinutes(1), Clock, stoppingToken);
            using var timer = new PeriodicTimer(Interval, Clock);
            do
            {
                try
                {
                    await RunOnceAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogError(ex, "{Activity} failed; trying again at the next run", Activity);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
