using System.Globalization;
using Microsoft.AspNetCore.Authentication;

namespace TasksConsole.Web.Auth;

/// <summary>
/// When a console session began, kept in the cookie's properties (they survive its sliding renewals), so that a
/// session kept alive by activity still ends <see cref="Core.Auth.AuthOptions.SessionAbsoluteLifetime"/> after the
/// password was given.
/// </summary>
public static class SessionStart
{
    private const string Key = ".tc.sessionStarted";

    /// <summary>The properties of a cookie for a password just given.</summary>
    public static AuthenticationProperties Now(TimeProvider clock) =>
        new(new Dictionary<string, string?> { [Key] = clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) });

    /// <summary>When the session began; null for a cookie issued before sessions recorded it.</summary>
    public static DateTimeOffset? Of(AuthenticationProperties properties) =>
        properties.Items.TryGetValue(Key, out var value) && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;

    public static void Set(AuthenticationProperties properties, DateTimeOffset started) =>
        properties.Items[Key] = started.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
}
