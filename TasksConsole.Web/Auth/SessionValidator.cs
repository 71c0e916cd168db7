using System.Security.Claims;
using Microsoft.Extensions.Caching.Memory;
using TasksConsole.Core.Auth;

namespace TasksConsole.Web.Auth;

public enum SessionCheck
{
    Valid,

    /// <summary>Still the same user in good standing, but the role (and so the permissions) changed.</summary>
    RoleChanged,
    Invalid,
}

/// <summary>
/// Decides whether a console session (cookie or live circuit) still stands for an enabled user with the same
/// security stamp. The user row is cached briefly so a page full of requests costs one lookup.
/// </summary>
public sealed class SessionValidator(UserService users, IMemoryCache cache, AuthRevision revision)
{
    private static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(30);

    public async Task<(SessionCheck Check, UserSession? User)> CheckAsync(ClaimsPrincipal principal, CancellationToken cancellationToken = default)
    {
        if (principal.GetUserId() is not { } userId) return (SessionCheck.Invalid, null);

        var key = new CacheKey(userId);
        UserSession? user;
        if (cache.TryGetValue(key, out CachedUser? cached) && cached!.Revision == revision.Current)
        {
            user = cached.User;
        }
        else
        {
            var seenRevision = revision.Current;
            user = await users.GetSessionAsync(userId, cancellationToken);
            cache.Set(key, new CachedUser(user, seenRevision), CacheLifetime);
        }

        if (user is null || user.Disabled || user.SecurityStamp != principal.FindFirstValue(AuthPrincipals.SecurityStampClaim))
        {
            return (SessionCheck.Invalid, null);
        }
        return principal.IsInRole(user.Role.ToString()) && principal.Identity?.Name == user.Email
            ? (SessionCheck.Valid, user)
            : (SessionCheck.RoleChanged, user);
    }

    private sealed record CacheKey(string UserId);

    private sealed record CachedUser(UserSession? User, long Revision);
}
