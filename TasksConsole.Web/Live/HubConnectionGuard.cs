using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using TasksConsole.Core.Auth;
using TasksConsole.Web.Auth;

namespace TasksConsole.Web.Live;

/// <summary>
/// Closes hub connections whose credential no longer stands. A connection is authenticated once, when it opens,
/// and may then stay open for days; without this, a revoked or expired token, a disabled user or a signed-out
/// console session would keep receiving every task change.
/// </summary>
/// <remarks>
/// Expiry is known from the principal (<see cref="AuthPrincipals.ExpiresClaim"/>) and checked in memory on every
/// tick. Revocation, disabling and sign-out all move the <see cref="AuthRevision"/>, here or (through its poll) on
/// another node, so the store is read only after such a change: one query for all bearer connections, and the
/// cached session check for console ones.
/// </remarks>
public sealed class HubConnectionGuard(
    BearerTokenValidator tokens,
    SessionValidator sessions,
    AuthRevision revision,
    TimeProvider clock,
    IOptions<AuthOptions> options,
    ILogger<HubConnectionGuard> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, HubCallerContext> _connections = new();
    private long _checkedRevision = -1;

    public int Watched => _connections.Count;

    public void Watch(HubCallerContext connection) => _connections[connection.ConnectionId] = connection;

    public void Forget(HubCallerContext connection) => _connections.TryRemove(connection.ConnectionId, out _);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RevisionPollInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await CheckAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The next tick tries again; connections are only closed on a definite answer.
                logger.LogWarning(ex, "Could not re-check the credentials of open hub connections.");
            }
        }
    }

    /// <summary>Closes every watched connection whose credential has expired, or (after an auth change) no longer stands.</summary>
    public async Task CheckAsync(CancellationToken cancellationToken = default)
    {
        if (_connections.IsEmpty) return;
        var now = clock.GetUtcNow();
        foreach (var connection in _connections.Values)
        {
            if (AuthPrincipals.ExpiryOf(connection.User!) <= now) Close(connection, "its credential expired");
        }

        var seen = revision.Current;
        if (seen == Interlocked.Read(ref _checkedRevision)) return;
        var open = _connections.Values.ToList();
        var byToken = open.Where(c => c.User?.FindFirst(AuthPrincipals.TokenIdClaim) is not null).ToList();
        var standing = await tokens.StandingAsync(
            byToken.Select(c => c.User!.FindFirst(AuthPrincipals.TokenIdClaim)!.Value).ToList(), cancellationToken);
        foreach (var connection in byToken)
        {
            var status = standing[connection.User!.FindFirst(AuthPrincipals.TokenIdClaim)!.Value];
            if (status != TokenValidationStatus.Valid) Close(connection, $"its token is {status}");
        }
        foreach (var connection in open.Except(byToken))
        {
            var (check, _) = await sessions.CheckAsync(connection.User!, cancellationToken);
            if (check == SessionCheck.Invalid) Close(connection, "its console session ended");
        }
        Interlocked.Exchange(ref _checkedRevision, seen);
    }

    private void Close(HubCallerContext connection, string reason)
    {
        if (!_connections.TryRemove(connection.ConnectionId, out _)) return;
        logger.LogInformation("Closed hub connection {ConnectionId} of user {UserId}: {Reason}.",
            connection.ConnectionId, connection.User?.GetUserId(), reason);
        connection.Abort();
    }
}
