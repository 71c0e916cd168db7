using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TasksConsole.Core.Common;
using TasksConsole.Core.Data;

namespace TasksConsole.Core.Auth;

/// <summary>A fresh access + refresh token pair; the only moment the secrets exist outside the client.</summary>
public sealed record IssuedTokenPair(
    string AccessToken,
    string RefreshToken,
    TimeSpan ExpiresIn,
    DateTimeOffset AccessTokenExpires,
    string UserId,
    string? ClientId);

public enum RefreshStatus
{
    Success,
    Unknown,
    Expired,

    /// <summary>The token was already rotated or revoked.</summary>
    Reused,

    /// <summary>Presented by another client than the one it was issued to.</summary>
    ClientMismatch,
    UserDisabled,
}

public sealed record RefreshResult(RefreshStatus Status, IssuedTokenPair? Tokens = null);

/// <summary>
/// The tokens of an OAuth2 sign-in (the token endpoint's password and refresh_token grants): issues access +
/// refresh pairs, rotates refresh tokens and revokes a sign-in's whole family when a rotated one is replayed.
/// Access tokens are checked by <see cref="BearerTokenValidator"/>, like API tokens.
/// </summary>
public sealed class OAuthTokenService(
    IDbContextFactory<TasksDbContext> dbFactory,
    TimeProvider clock,
    IOptions<AuthOptions> options,
    AuthRevision revision)
{
    /// <summary>
    /// A rotated refresh token presented again this soon is most likely the same client refreshing from two
    /// concurrent requests (the SDK refreshes per failed request), so it is refused without revoking the family.
    /// Later replays are treated as theft.
    /// </summary>
    public static readonly TimeSpan ReuseGracePeriod = TimeSpan.FromSeconds(30);

    public async Task<IssuedTokenPair> IssuePairAsync(string userId, string? clientId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var pair = AddPair(db, userId, clientId, familyId: null);
        await db.SaveChangesAsync(cancellationToken);
        return pair;
    }

    /// <summary>
    /// Rotates a refresh token: it is revoked and a new pair in the same family is issued. Replaying a rotated
    /// token after <see cref="ReuseGracePeriod"/> revokes every token of its family.
    /// </summary>
    public async Task<RefreshResult> RefreshAsync(string refreshToken, string? clientId, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(refreshToken) || refreshToken.Length > OpaqueToken.MaxLength) return new RefreshResult(RefreshStatus.Unknown);

        var hash = OpaqueToken.Hash(refreshToken);
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var token = await db.Tokens.AsNoTracking()
            .Where(t => t.TokenHash == hash && t.Kind == TokenKind.Refresh)
            .Select(t => new { t.Id, t.UserId, t.ClientId, t.FamilyId, t.ExpiresTimestamp, t.RevokedTimestamp })
            .SingleOrDefaultAsync(cancellationToken);
        if (token is null) return new RefreshResult(RefreshStatus.Unknown);
        var familyId = token.FamilyId ?? token.Id;

        if (token.RevokedTimestamp is { } revokedAt)
        {
            if (now - revokedAt > ReuseGracePeriod) await RevokeFamilyAsync(db, familyId, now, cancellationToken);
            return new RefreshResult(RefreshStatus.Reused);
        }
        if (token.ExpiresTimestamp <= now || now >= FamilyEnd(familyId)) return new RefreshResult(RefreshStatus.Expired);
        if (clientId is not null && token.ClientId is not null && clientId != token.ClientId)
        {
            return new RefreshResult(RefreshStatus.ClientMismatch);
        }

        var disabled = await db.Users.Where(u => u.Id == token.UserId).Select(u => (bool?)u.Disabled).SingleOrDefaultAsync(cancellationToken);
        if (disabled != false) return new RefreshResult(RefreshStatus.UserDisabled);

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // The guarded update is the claim: of two concurrent refreshes with one token, only one sees a row change.
        var claimed = await db.Tokens
            .Where(t => t.Id == token.Id && t.RevokedTimestamp == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedTimestamp, now), cancellationToken);
        if (claimed == 0) return new RefreshResult(RefreshStatus.Reused);

        var pair = AddPair(db, token.UserId, token.ClientId, familyId);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new RefreshResult(RefreshStatus.Success, pair);
    }

    /// <summary>Deletes access and refresh tokens that expired more than <paramref name="retention"/> ago.</summary>
    public async Task<int> PurgeExpiredAsync(TimeSpan retention, CancellationToken cancellationToken = default)
    {
        DateTimeOffset? cutoff = clock.GetUtcNow() - retention;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Tokens.Where(t => t.Kind != TokenKind.Api && t.ExpiresTimestamp < cutoff).ExecuteDeleteAsync(cancellationToken);
    }

    private async Task RevokeFamilyAsync(TasksDbContext db, string familyId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var revoked = await db.Tokens
            .Where(t => (t.FamilyId == familyId || t.Id == familyId) && t.RevokedTimestamp == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedTimestamp, now), cancellationToken);
        if (revoked > 0) await revision.PublishAsync(cancellationToken);
    }

    /// <summary>
    /// When a sign-in's chain of refresh tokens ends for good: its family id is the first refresh token's id, whose
    /// time prefix is the sign-in's second.
    /// </summary>
    private DateTimeOffset? FamilyEnd(string familyId) => ObjectId.TimestampOf(familyId) + options.Value.RefreshTokenAbsoluteLifetime;

    private IssuedTokenPair AddPair(TasksDbContext db, string userId, string? clientId, string? familyId)
    {
        var settings = options.Value;
        var now = clock.GetUtcNow();
        var accessToken = OpaqueToken.New();
        var refreshToken = OpaqueToken.New();
        var refreshId = ObjectId.NewId(clock);
        familyId ??= refreshId;

        db.Tokens.Add(new IssuedToken(ObjectId.NewId(clock), TokenKind.Access, accessToken, userId, now, now + settings.AccessTokenLifetime)
        {
            ClientId = clientId,
            FamilyId = familyId,
        });
        var refreshExpires = now + settings.RefreshTokenLifetime;
        if (FamilyEnd(familyId) is { } end && end < refreshExpires) refreshExpires = end;
        db.Tokens.Add(new IssuedToken(refreshId, TokenKind.Refresh, refreshToken, userId, now, refreshExpires)
        {
            ClientId = clientId,
            FamilyId = familyId,
        });
        return new IssuedTokenPair(accessToken, refreshToken, settings.AccessTokenLifetime, now + settings.AccessTokenLifetime, userId, clientId);
    }
}
