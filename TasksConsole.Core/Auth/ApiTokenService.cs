using Microsoft.EntityFrameworkCore;
using TasksConsole.Core.Common;
using TasksConsole.Core.Data;
using TasksConsole.Core.Audit;

namespace TasksConsole.Core.Auth;

public sealed record ApiTokenInfo(
    string Id,
    string Name,
    string UserId,
    string? UserEmail,
    string? CreatedByUserId,
    DateTimeOffset CreationTimestamp,
    DateTimeOffset? ExpiresTimestamp,
    DateTimeOffset? RevokedTimestamp,
    DateTimeOffset? LastUsedTimestamp);

/// <summary>A new API token; <see cref="Token"/> is shown once and cannot be recovered.</summary>
public sealed record CreatedApiToken(ApiTokenInfo Info, string Token);

/// <summary>
/// Long-lived API tokens for automation, which admins create, list and revoke. They are checked by
/// <see cref="BearerTokenValidator"/>, like OAuth access tokens, which also records their last use.
/// </summary>
public sealed class ApiTokenService(IDbContextFactory<TasksDbContext> dbFactory, TimeProvider clock, AuthRevision revision, AuditTrail? audit = null)
{
    public const int MaxNameLength = 100;

    public async Task<CreatedApiToken> CreateAsync(
        string name,
        string userId,
        DateTimeOffset? expiresTimestamp,
        string? createdByUserId,
        CancellationToken cancellationToken = default)
    {
        name = name.Trim();
        if (name.Length is 0 or > MaxNameLength)
        {
            throw new ServiceException(ErrorCode.FieldFormat, $"A token name must be 1 to {MaxNameLength} characters long.");
        }
        var now = clock.GetUtcNow();
        if (expiresTimestamp <= now) throw new ServiceException(ErrorCode.FieldFormat, "expiresTimestamp must be in the future.");

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.AsNoTracking()
            .Where(u => u.Id == userId)
            .Select(u => new { u.Email, u.Disabled })
            .SingleOrDefaultAsync(cancellationToken)
            ?? throw new ServiceException(ErrorCode.ResourceUnknown, $"No user with id {userId}.");
        if (user.Disabled) throw new ServiceException(ErrorCode.IllegalState, "The user is disabled.");

        var secret = OpaqueToken.New();
        var record = new IssuedToken(ObjectId.NewId(clock), TokenKind.Api, secret, userId, now, expiresTimestamp)
        {
            Name = name,
            CreatedByUserId = createdByUserId,
        };
        db.Tokens.Add(record);
        await db.SaveChangesAsync(cancellationToken);
        audit?.Record(AuditActions.TokenCreate, "token", record.Id, $"Created API token \"{name}\" for {user.Email}.",
            new { userId, expiresTimestamp });
        return new CreatedApiToken(
            new ApiTokenInfo(record.Id, name, userId, user.Email, createdByUserId, now, expiresTimestamp, null, null),
            secret);
    }

    public async Task<IReadOnlyList<ApiTokenInfo>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await (
                from t in db.Tokens.AsNoTracking()
                where t.Kind == TokenKind.Api
                join u in db.Users.AsNoTracking() on t.UserId equals u.Id into owners
                from u in owners.DefaultIfEmpty()
                select new
                {
                    t.Id, t.Name, t.UserId, Email = u == null ? null : u.Email, t.CreatedByUserId,
                    t.CreationTimestamp, t.ExpiresTimestamp, t.RevokedTimestamp, t.LastUsedTimestamp,
                })
            .ToListAsync(cancellationToken);
        return rows
            .OrderByDescending(r => r.CreationTimestamp)
            .Select(r => new ApiTokenInfo(r.Id, r.Name ?? "", r.UserId, r.Email, r.CreatedByUserId,
                r.CreationTimestamp, r.ExpiresTimestamp, r.RevokedTimestamp, r.LastUsedTimestamp))
            .ToList();
    }

    /// <summary>Revokes an API token; returns the number of tokens that changed (0 when it already was revoked).</summary>
    public async Task<int> RevokeAsync(string id, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var affected = await db.Tokens
            .Where(t => t.Id == id && t.Kind == TokenKind.Api && t.RevokedTimestamp == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedTimestamp, now), cancellationToken);
        if (affected > 0)
        {
            await revision.PublishAsync(cancellationToken);
            audit?.Record(AuditActions.TokenRevoke, "token", id, $"Revoked API token {id}.");
            return affected;
        }
        return await db.Tokens.AnyAsync(t => t.Id == id && t.Kind == TokenKind.Api, cancellationToken)
            ? 0
            : throw new ServiceException(ErrorCode.ResourceUnknown, $"No API token with id {id}.");
    }

    /// <summary>Deletes API tokens that expired more than <paramref name="retention"/> ago.</summary>
    public async Task<int> PurgeExpiredAsync(TimeSpan retention, CancellationToken cancellationToken = default)
    {
        DateTimeOffset? cutoff = clock.GetUtcNow() - retention;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Tokens.Where(t => t.Kind == TokenKind.Api && t.ExpiresTimestamp < cutoff).ExecuteDeleteAsync(cancellationToken);
    }
}
