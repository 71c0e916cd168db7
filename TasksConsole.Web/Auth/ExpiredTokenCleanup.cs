using TasksConsole.Core.Auth;

namespace TasksConsole.Web.Auth;

/// <summary>
/// Every sign-in and refresh adds rows; this keeps the table from growing without bound. Expired tokens are kept
/// a day so a late caller still hears "expired" (118, which makes the SDK refresh) instead of "unknown".
/// </summary>
internal sealed class ExpiredTokenCleanup(
    OAuthTokenService oauthTokens, ApiTokenService apiTokens, TimeProvider clock, ILogger<ExpiredTokenCleanup> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);
    private static readonly TimeSpan Retention = TimeSpan.FromDays(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            try
            {
                var deleted = await oauthTokens.PurgeExpiredAsync(Retention, stoppingToken)
                    + await apiTokens.PurgeExpiredAsync(Retention, stoppingToken);
                if (deleted > 0) logger.LogInformation("Deleted {Count} expired tokens", deleted);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Deleting expired tokens failed; will retry in {Interval}", Interval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
