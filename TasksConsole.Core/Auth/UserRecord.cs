using System.Diagnostics.CodeAnalysis;

namespace TasksConsole.Core.Auth;

public sealed class UserRecord
{
    public required string Id { get; set; }

    /// <summary>Stored lower-cased so that sign-in is case-insensitive on the address.</summary>
    public required string Email { get; set; }
    public required string PasswordHash { get; set; }
    public Role Role { get; set; } = Role.Viewer;
    public bool Disabled { get; set; }

    /// <summary>
    /// Set for an admin created with a generated password: that password was written to a file, so it is treated as
    /// temporary, and a sign-in leads to choosing a new one before anything else.
    /// </summary>
    public bool MustChangePassword { get; set; }

    /// <summary>
    /// Replaced whenever the password changes or the account is disabled; console sessions carry the value they
    /// were issued with, so a stale stamp ends them without a per-session table.
    /// </summary>
    public string SecurityStamp { get; set; } = "";
    public DateTimeOffset CreationTimestamp { get; set; }
    public DateTimeOffset UpdateTimestamp { get; set; }
    public DateTimeOffset? LastSignInTimestamp { get; set; }
}

public enum TokenKind
{
    Access,
    Refresh,
    Api,
}

/// <summary>
/// An opaque bearer credential. Only its SHA-256 hash is stored, so a copy of the database does not hand out
/// working tokens.
/// </summary>
public sealed class IssuedToken
{
    /// <summary>A new token for <paramref name="secret"/>, of which only the hash is kept.</summary>
    [SetsRequiredMembers]
    public IssuedToken(string id, TokenKind kind, string secret, string userId, DateTimeOffset creationTimestamp, DateTimeOffset? expiresTimestamp)
    {
        Id = id;
        Kind = kind;
        TokenHash = OpaqueToken.Hash(secret);
        UserId = userId;
        CreationTimestamp = creationTimestamp;
        ExpiresTimestamp = expiresTimestamp;
    }

    /// <summary>For EF Core, which fills a row it reads property by property.</summary>
    private IssuedToken()
    {
    }

    public required string Id { get; set; }
    public TokenKind Kind { get; set; }
    public required string TokenHash { get; set; }
    public required string UserId { get; set; }

    /// <summary>The OAuth client id the token was issued to; reported as <c>createdByApplicationId</c>.</summary>
    public string? ClientId { get; set; }

    /// <summary>An API token's label, as the admin named it.</summary>
    public string? Name { get; set; }

    /// <summary>
    /// Shared by a sign-in's access and refresh tokens and by every pair later rotated from them, so that the
    /// replay of a rotated refresh token (a sign it was stolen) can revoke the whole chain at once.
    /// </summary>
    public string? FamilyId { get; set; }

    /// <summary>Who minted an API token, when an admin created it for someone else.</summary>
    public string? CreatedByUserId { get; set; }
    public DateTimeOffset CreationTimestamp { get; set; }
    public DateTimeOffset? ExpiresTimestamp { get; set; }
    public DateTimeOffset? RevokedTimestamp { get; set; }
    public DateTimeOffset? LastUsedTimestamp { get; set; }
}
