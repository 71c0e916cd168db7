using System.Globalization;

namespace TasksConsole.Web.Tasks;

/// <summary>
/// How the task pages write instants and spans. Instants are UTC everywhere: operators on several continents
/// compare times with logs and with each other, and a server-rendered page does not know the browser's zone.
/// </summary>
public static class TimeText
{
    public static string Absolute(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>The machine-readable form for a <c>&lt;time datetime&gt;</c> attribute.</summary>
    public static string Iso(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static string Relative(DateTimeOffset instant, DateTimeOffset now)
    {
        var delta = now - instant;
        var future = delta < TimeSpan.Zero;
        var span = future ? -delta : delta;
        if (span < TimeSpan.FromSeconds(5)) return future ? "in a moment" : "just now";
        if (span >= TimeSpan.FromDays(30)) return instant.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var amount = span switch
        {
            { TotalMinutes: < 1 } => $"{(int)span.TotalSeconds} s",
            { TotalHours: < 1 } => $"{(int)span.TotalMinutes} min",
            { TotalDays: < 1 } => $"{(int)span.TotalHours} h",
            _ => $"{(int)span.TotalDays} d",
        };
        return future ? $"in {amount}" : $"{amount} ago";
    }

    /// <summary>Short and exact enough to compare attempts: "850 ms", "2.5 s", "3 min 4 s", "2 h 5 min".</summary>
    public static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.Zero) span = TimeSpan.Zero;
        return span switch
        {
            { TotalSeconds: < 1 } => $"{(int)span.TotalMilliseconds} ms",
            { TotalMinutes: < 1 } => span.TotalSeconds.ToString("0.##", CultureInfo.InvariantCulture) + " s",
            { TotalHours: < 1 } => span.Seconds == 0 ? $"{(int)span.TotalMinutes} min" : $"{(int)span.TotalMinutes} min {span.Seconds} s",
            _ => span.Minutes == 0 ? $"{(int)span.TotalHours} h" : $"{(int)span.TotalHours} h {span.Minutes} min",
        };
    }
}
