using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TasksConsole.Core.Data;

namespace TasksConsole.Core.Auth;

/// <summary>
/// Reads the stored auth revision every <see cref="AuthOptions.RevisionPollInterval"/> and advances this node's
/// <see cref="AuthRevision"/> when it moved: a token revoked or a user disabled on another node then drops out of
/// this node's caches within a second or so, instead of after their lifetime. One primary-key read per poll.
/// </summary>
public sealed class AuthRevisionSync(
    IDbContextFactory<TasksDbContext> dbFactory,
    AuthRevision revision,
    IOptions<AuthOptions> options,
    TimeProvider clock,
    ILogger<AuthRevisionSync> logger) : BackgroundService
{
    private long? _lastSeen;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PollAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Reading the stored auth revision failed; trying again");
            }
            try
            {
                await Task.Delay(options.Value.RevisionPollInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One look at the stored revision; returns whether it moved since the last look.</summary>
    public async Task<bool> PollAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var stored = await db.AuthRevisions.AsNoTracking()
            .Where(r => r.Id == AuthRevisionRecord.SingletonId)
            .Select(r => r.Value)
            .FirstOrDefaultAsync(cancellationToken);
        if (_lastSeen == stored) return false;
        // The first look only sets the baseline: nothing was cached before this node started.
        var moved = _lastSeen is not null;
        _lastSeen = stored;
        if (moved) revision.Advance();
        return moved;
    }
}
