namespace TasksConsole.Core.Auth;

/// <summary>Settings of section <c>Auth</c>.</summary>
public sealed record AuthOptions
{
    public const string Section = "Auth";

    /// <summary>EXH access tokens live about five minutes; the SDK refreshes them proactively from <c>expires_in</c>.</summary>
    public TimeSpan AccessTokenLifetime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Counted from the last rotation, so a client that keeps refreshing stays signed in.</summary>
    public TimeSpan RefreshTokenLifetime { get; init; } = TimeSpan.FromDays(30);

    /// <summary>Sliding lifetime of a console sign-in cookie.</summary>
    public TimeSpan SessionLifetime { get; init; } = TimeSpan.FromHours(8);

    /// <summary>
    /// OAuth clients allowed at the token endpoint. Empty means any <c>client_id</c> (or none) is accepted, which
    /// suits a single-tenant install where the SDK's clientId is just a label.
    /// </summary>
    public OAuthClientOptions[] OAuthClients { get; init; } = [];

    public BootstrapAdminOptions BootstrapAdmin { get; init; } = new();

    public SignInLimitOptions SignInLimit { get; init; } = new();

    /// <summary>
    /// How often each node reads the stored auth revision: the longest a revocation, disable or role change made on
    /// another node waits before this node's token and session caches forget what they held.
    /// </summary>
    public TimeSpan RevisionPollInterval { get; init; } = TimeSpan.FromSeconds(1);
}

public sealed record OAuthClientOptions
{
    public string ClientId { get; init; } = "";

    /// <summary>When set, the client is confidential and must present this secret (body or HTTP Basic).</summary>
    public string? ClientSecret { get; init; }
}

public sealed record BootstrapAdminOptions
{
    public string Email { get; init; } = "admin@localhost";

    /// <summary>Empty means: generate one and log it once.</summary>
    public string? Password { get; init; }
}

/// <summary>Failed password sign-ins allowed per window before further attempts are refused with 429.</summary>
public sealed record SignInLimitOptions
{
    public int MaxFailuresPerEmail { get; init; } = 5;

    /// <summary>Higher than per email, because several people may share one address behind a NAT or proxy.</summary>
    public int MaxFailuresPerClient { get; init; } = 20;

    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(5);
}
