using System.Globalization;

namespace TasksConsole.Web.Components.Shared;

/// <summary>
/// How the console writes instants and durations: relative for scanning, absolute for precision. The one convention
/// for dates and times everywhere in the console is ISO 8601 order on a 24-hour clock, <c>2026-03-02 14:05:09</c>,
/// followed by the zone ("UTC" or the offset, "+01:00") wherever it is not said nearby; inputs take the same form
/// (<see cref="DateFormat"/>, <see cref="TimeFormat"/>), and <see cref="ConsoleCulture"/> makes it the default of
/// every date and time picker in the console's pages.
/// </summary>
public static class TimeText
{
    /// <summary>Dates, in text and in date pickers.</summary>
    public const string DateFormat = "yyyy-MM-dd";

    /// <summary>Times of day in inputs and where seconds do not matter; 24-hour.</summary>
    public const string TimeFormat = "HH:mm";

    /// <summary>
    /// The culture console circuits run in: invariant, with the convention's date and time patterns, so that a
    /// picker or a <c>ToString()</c> left at its default writes <c>2026-03-02</c> and <c>14:05</c>, never
    /// <c>03/02/2026</c> or <c>2:05 PM</c>.
    /// </summary>
    public static CultureInfo ConsoleCulture { get; } = CreateConsoleCulture();

    private static CultureInfo CreateConsoleCulture()
    {
        var culture = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        var format = culture.DateTimeFormat;
        format.ShortDatePattern = DateFormat;
        format.LongDatePattern = DateFormat;
        format.ShortTimePattern = TimeFormat;
        format.LongTimePattern = "HH:mm:ss";
        format.FullDateTimePattern = "yyyy-MM-dd HH:mm:ss";
        format.FirstDayOfWeek = DayOfWeek.Monday;
        return CultureInfo.ReadOnly(culture);
    }

    /// <summary>"in 5 min", "3 h ago", "now"; coarse on purpose, the absolute time carries the detail.</summary>
    public static string Relative(DateTimeOffset instant, DateTimeOffset now)
    {
        var difference = instant - now;
        var magnitude = difference.Duration();
        if (magnitude < TimeSpan.FromSeconds(1)) return "now";
        var amount = magnitude switch
        {
            _ when magnitude < TimeSpan.FromMinutes(1) => $"{(int)magnitude.TotalSeconds} s",
            _ when magnitude < TimeSpan.FromHours(1) => $"{(int)magnitude.TotalMinutes} min",
            _ when magnitude < TimeSpan.FromHours(48) => $"{(int)magnitude.TotalHours} h",
            _ => $"{(int)magnitude.TotalDays} d",
        };
        return difference > TimeSpan.Zero ? $"in {amount}" : $"{amount} ago";
    }

    /// <summary>
    /// Sortable and unambiguous: "2026-03-02 10:00:00 UTC", or in <paramref name="timeZone"/> with its offset
    /// ("2026-03-02 11:00:00 +01:00"). The server cannot know the browser's zone, so UTC is the default.
    /// </summary>
    public static string Absolute(DateTimeOffset instant, TimeZoneInfo? timeZone = null)
    {
        if (timeZone is null || timeZone == TimeZoneInfo.Utc)
        {
            return instant.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";
        }
        var local = TimeZoneInfo.ConvertTime(instant, timeZone);
        return local.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture);
    }

    /// <summary>The machine-readable form for a <c>&lt;time datetime&gt;</c> attribute.</summary>
    public static string Iso(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>"850 ms", "2.4 s", "3 min 5 s", "2 h 10 min".</summary>
    public static string Duration(TimeSpan duration)
    {
        if (duration < TimeSpan.FromSeconds(1)) return $"{(int)duration.TotalMilliseconds} ms";
        if (duration < TimeSpan.FromMinutes(1)) return duration.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + " s";
        if (duration < TimeSpan.FromHours(1)) return $"{(int)duration.TotalMinutes} min {duration.Seconds} s";
        return $"{(int)duration.TotalHours} h {duration.Minutes} min";
    }

    /// <summary>A whole number of seconds in the largest unit that divides it: "90 s", "5 min", "2 h", "1 d".</summary>
    public static string Seconds(long seconds) => seconds switch
    {
        > 0 when seconds % 86400 == 0 => $"{seconds / 86400} d",
        > 0 when seconds % 3600 == 0 => $"{seconds / 3600} h",
        > 0 when seconds % 60 == 0 => $"{seconds / 60} min",
        _ => $"{seconds} s",
    };
}
