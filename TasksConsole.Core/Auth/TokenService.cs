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

/// <summary>Who a valid bearer token stands for.</summary>
public sealed record TokenPrincipal(
    string TokenId,
    TokenKind Kind,
    string UserId,
    string Email,
    Role Role,
    string? ClientId,
    DateTimeOffset? ExpiresTimestamp)
{
    public IReadOnlyList<string> Permissions => Auth.Permissions.For(Role);
}

public enum TokenValidationStatus
{
    Valid,
    Unknown,
    Expired,
    Revoked,
    UserDisabled,
}

public sealed record TokenValidation(TokenValidationStatus Status, TokenPrincipal? Principal = null);

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
/// Issues, rotates, validates and revokes opaque bearer tokens. Only SHA-256 hashes are stored: the database
/// never holds a usable credential.
/// </summary>
public sealed class TokenService(
    IDbContextFactory<TasksDbContext> dbFactory,
    TimeProvider clock,
    IOptions<AuthOptions> options,
    AuthRevision revision)
{
    public const int MaxApiTokenNameLength = 100;

    /// <summary>Coarse enough that a busy API token costs one write a minute, not one per request.</summary>
    public static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

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
        if (token.ExpiresTimestamp <= now) return new RefreshResult(RefreshStatus.Expired);
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

    /// <summary>Checks an access or API token. Refresh tokens are not bearer credentials and read as unknown.</summary>
    public async Task<TokenValidation> ValidateAsync(string token, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(token) || token.Length > OpaqueToken.MaxLength) return new TokenValidation(TokenValidationStatus.Unknown);

        var hash = OpaqueToken.Hash(token);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var row = await (
                from t in db.Tokens.AsNoTracking()
                where t.TokenHash == hash && t.Kind != TokenKind.Refresh
                join u in db.Users.AsNoTracking() on t.UserId equals u.Id
                select new
                {
                    t.Id, t.Kind, t.ClientId, t.ExpiresTimestamp, t.RevokedTimestamp, t.LastUsedTimestamp,
                    UserId = u.Id, u.Email, u.Role, u.Disabled,
                })
            .SingleOrDefaultAsync(cancellationToken);
        if (row is null) return new TokenValidation(TokenValidationStatus.Unknown);

        var now = clock.GetUtcNow();
        if (row.RevokedTimestamp is not null) return new TokenValidation(TokenValidationStatus.Revoked);
        if (row.ExpiresTimestamp <= now) return new TokenValidation(TokenValidationStatus.Expired);
        if (row.Disabled) return new TokenValidation(TokenValidationStatus.UserDisabled);

        if (row.Kind == TokenKind.Api && (row.LastUsedTimestamp is null || now - row.LastUsedTimestamp >= LastUsedResolution))
        {
            await db.Tokens.Where(t => t.Id == row.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedTimestamp, now), cancellationToken);
        }

        return new TokenValidation(TokenValidationStatus.Valid,
            new TokenPrincipal(row.Id, row.Kind, row.UserId, row.Email, row.Role, row.ClientId, row.ExpiresTimestamp));
    }

    public async Task<CreatedApiToken> CreateApiTokenAsync(
        string name,
        string userId,
        DateTimeOffset? expiresTimestamp,
        string? createdByUserId,
        CancellationToken cancellationToken = default)
    {
        name = name.Trim();
        if (name.Length is 0 or > MaxApiTokenNameLength)
        {
            throw new ServiceException(ErrorCode.FieldFormat, $"A token name must be 1 to {MaxApiTokenNameLength} characters long.");
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
        var record = new IssuedToken
        {
            Id = ObjectId.NewId(clock),
            Kind = TokenKind.Api,
            TokenHash = OpaqueToken.Hash(secret),
            UserId = userId,
            Name = name,
            CreatedByUserId = createdByUserId,
            CreationTimestamp = now,
            ExpiresTimestamp = expiresTimestamp,
        };
        db.Tokens.Add(record);
        await db.SaveChangesAsync(cancellationToken);
        return new CreatedApiToken(
            new ApiTokenInfo(record.Id, name, userId, user.Email, createdByUserId, now, expiresTimestamp, null, null),
            secret);
    }

    public async Task<IReadOnlyList<ApiTokenInfo>> ListApiTokensAsync(CancellationToken cancellationToken = default)
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
    public async Task<int> RevokeApiTokenAsync(string id, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var affected = await db.Tokens
            .Where(t => t.Id == id && t.Kind == TokenKind.Api && t.RevokedTimestamp == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedTimestamp, now), cancellationToken);
        if (affected > 0)
        {
            revision.Advance();
            return affected;
        }
        return await db.Tokens.AnyAsync(t => t.Id == id && t.Kind == TokenKind.Api, cancellationToken)
            ? 0
            : throw new ServiceException(ErrorCode.ResourceUnknown, $"No API token with id {id}.");
    }

    /// <summary>Deletes tokens that expired more than <paramref name="retention"/> ago; they can no longer matter.</summary>
    public async Task<int> PurgeExpiredAsync(TimeSpan retention, CancellationToken cancellationToken = default)
    {
        DateTimeOffset? cutoff = clock.GetUtcNow() - retention;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Tokens.Where(t => t.ExpiresTimestamp < cutoff).ExecuteDeleteAsync(cancellationToken);
    }

    private async Task RevokeFamilyAsync(TasksDbContext db, string familyId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var revoked = await db.Tokens
            .Where(t => (t.FamilyId == familyId || t.Id == familyId) && t.RevokedTimestamp == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedTimestamp, now), cancellationToken);
        if (revoked > 0) revision.Advance();
    }

    private IssuedTokenPair AddPair(TasksDbContext db, string userId, string? clientId, string? familyId)
    {
        var settings = options.Value;
        var now = clock.GetUtcNow();
        var accessToken = OpaqueToken.New();
        var refreshToken = OpaqueToken.New();
        var refreshId = ObjectId.NewId(clock);
        familyId ??= refreshId;

        db.Tokens.Add(new IssuedToken
        {
            Id = ObjectId.NewId(clock),
            Kind = TokenKind.Access,
            TokenHash = OpaqueToken.Hash(accessToken),
            UserId = userId,
            ClientId = clientId,
            FamilyId = familyId,
            CreationTimestamp = now,
            ExpiresTimestamp = now + settings.AccessTokenLifetime,
        });
        db.Tokens.Add(new IssuedToken
        {
            Id = refreshId,
            Kind = TokenKind.Refresh,
            TokenHash = OpaqueToken.Hash(refreshToken),
            UserId = userId,
            ClientId = clientId,
            FamilyId = familyId,
            CreationTimestamp = now,
            ExpiresTimestamp = now + settings.RefreshTokenLifetime,
        });
        return new IssuedTokenPair(accessToken, refreshToken, settings.AccessTokenLifetime, now + settings.AccessTokenLifetime, userId, clientId);
    }
}
