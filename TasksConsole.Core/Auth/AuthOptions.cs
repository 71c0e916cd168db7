namespace TasksConsole.Core.Auth;

/// <summary>Settings of section <c>Auth</c>.</summary>
public sealed record AuthOptions
{
    public const string Section = "Auth";

    /// <summary>EXH access tokens live about five minutes; the SDK refreshes them proactively from <c>expires_in</c>.</summary>
    public TimeSpan AccessTokenLifetime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Counted from the last rotation, so a client that keeps refreshing stays signed in...</summary>
    public TimeSpan RefreshTokenLifetime { get; init; } = TimeSpan.FromDays(30);

    /// <summary>
    /// ...but not for longer than this after the password sign-in that started the chain: then it signs in again. A
    /// stolen refresh token kept fresh by rotation stops working at the latest here.
    /// </summary>
    public TimeSpan RefreshTokenAbsoluteLifetime { get; init; } = TimeSpan.FromDays(90);

    /// <summary>
    /// How long an API token lives when its creator does not say: a forgotten token stops working on its own. A token
    /// that never expires must be asked for (<c>"expiresTimestamp": null</c>, or "Never" in the console).
    /// </summary>
    public TimeSpan ApiTokenDefaultLifetime { get; init; } = TimeSpan.FromDays(90);

    /// <summary>Sliding lifetime of a console sign-in cookie.</summary>
    public TimeSpan SessionLifetime { get; init; } = TimeSpan.FromHours(8);

    /// <summary>How long a console session may last however active it is: then the password is asked for again.</summary>
    public TimeSpan SessionAbsoluteLifetime { get; init; } = TimeSpan.FromHours(12);

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

    /// <summary>
    /// Empty means: generate one, write it to <c>bootstrap-admin-password.txt</c> in the data directory (readable by
    /// the service's user only) and require a new one at first sign-in. A configured password is used as it is.
    /// </summary>
    public string? Password { get; init; }
}

/// <summary>
/// How many failed password sign-ins are allowed before further attempts are refused with 429 (see
/// <see cref="FailedSignInLimiter"/>). A refusal is per client address, so the account stays open to others.
/// </summary>
public sealed record SignInLimitOptions
{
    /// <summary>Failures in a row from one client address for one account before that client has to wait.</summary>
    public int MaxFailuresPerAccountAndClient { get; init; } = 5;

    /// <summary>The first wait; it doubles with every further failure from the same client for the same account.</summary>
    public TimeSpan FirstDelay { get; init; } = TimeSpan.FromMinutes(1);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Failures per account across all client addresses within <see cref="AccountWindow"/>: high, so one attacker
    /// cannot lock the account for others, yet a guess spread over many addresses is still stopped.
    /// </summary>
    public int MaxFailuresPerAccount { get; init; } = 100;

    public TimeSpan AccountWindow { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Failures per client address across accounts within <see cref="Window"/>; allows for shared NATs.</summary>
    public int MaxFailuresPerClient { get; init; } = 20;

    /// <summary>
    /// The per-client window, and how long a client's run of failures for an account is remembered after its last
    /// wait ended.
    /// </summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Hard cap on the limiter's in-memory entries; a flood of made-up emails cannot grow it further.</summary>
    public int MaxEntries { get; init; } = 100_000;

    /// <summary>How often expired entries are dropped.</summary>
    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromMinutes(1);
}
