using Microsoft.EntityFrameworkCore;
using TasksConsole.Core.Data;

namespace TasksConsole.Core.Auth;

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

/// <summary>
/// Checks a bearer token of either kind, an OAuth access token (<see cref="OAuthTokenService"/>) or an API token
/// (<see cref="ApiTokenService"/>): both are rows of one table, found by hash, and a request does not say which
/// kind it bears.
/// </summary>
public sealed class BearerTokenValidator(IDbContextFactory<TasksDbContext> dbFactory, TimeProvider clock)
{
    /// <summary>Coarse enough that a busy API token costs one write a minute, not one per request.</summary>
    public static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

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
        var status = StatusOf(row.RevokedTimestamp, row.ExpiresTimestamp, row.Disabled, now);
        if (status != TokenValidationStatus.Valid) return new TokenValidation(status);

        // The admin page shows when an API token was last used; access tokens live minutes and need no such record.
        if (row.Kind == TokenKind.Api && (row.LastUsedTimestamp is null || now - row.LastUsedTimestamp >= LastUsedResolution))
        {
            await db.Tokens.Where(t => t.Id == row.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedTimestamp, now), cancellationToken);
        }

        return new TokenValidation(TokenValidationStatus.Valid,
            new TokenPrincipal(row.Id, row.Kind, row.UserId, row.Email, row.Role, row.ClientId, row.ExpiresTimestamp));
    }

    /// <summary>
    /// Where each of these tokens stands now (a token no longer stored reads as unknown): for connections that
    /// authenticated once and stay open, checked all at once rather than one query per connection.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, TokenValidationStatus>> StandingAsync(
        IReadOnlyCollection<string> tokenIds, CancellationToken cancellationToken = default)
    {
        var standing = tokenIds.Distinct().ToDictionary(id => id, _ => TokenValidationStatus.Unknown);
        if (standing.Count == 0) return standing;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        // Chunked so a node holding thousands of connections stays under the stores' parameter limits.
        foreach (var chunk in standing.Keys.Chunk(500))
        {
            var rows = await (
                    from t in db.Tokens.AsNoTracking()
                    where chunk.Contains(t.Id) && t.Kind != TokenKind.Refresh
                    join u in db.Users.AsNoTracking() on t.UserId equals u.Id
                    select new { t.Id, t.ExpiresTimestamp, t.RevokedTimestamp, u.Disabled })
                .ToListAsync(cancellationToken);
            foreach (var row in rows) standing[row.Id] = StatusOf(row.RevokedTimestamp, row.ExpiresTimestamp, row.Disabled, now);
        }
        return standing;
    }

    private static TokenValidationStatus StatusOf(DateTimeOffset? revoked, DateTimeOffset? expires, bool userDisabled, DateTimeOffset now) =>
        revoked is not null ? TokenValidationStatus.Revoked
        : expires <= now ? TokenValidationStatus.Expired
        : userDisabled ? TokenValidationStatus.UserDisabled
        : TokenValidationStatus.Valid;
}
