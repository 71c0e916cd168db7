namespace TasksConsole.Core.Auth;

/// <summary>
/// A counter that moves whenever a credential or a user's standing changes (revocation, role change, disabling,
/// password reset). In-memory caches of validated tokens and sessions remember the revision they saw and drop
/// entries from an older one, so a revocation takes effect on the next request instead of after the cache TTL.
/// </summary>
public sealed class AuthRevision
{
    private long _current;

    public long Current => Interlocked.Read(ref _current);

    public void Advance() => Interlocked.Increment(ref _current);
}
