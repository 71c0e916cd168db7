using TasksConsole.Core.Schedules;
using TasksConsole.Web.Components.Shared;

namespace TasksConsole.Web.Schedules;

/// <summary>Wording and time zones for schedules, shared by the list, the create dialog and the preview.</summary>
public static class ScheduleText
{
    public static string Timing(ScheduleRecord schedule) => schedule.IntervalSeconds is { } seconds
        ? $"Every {TimeText.Seconds(seconds)}"
        : $"{schedule.CronExpression} ({ZoneId(schedule.TimeZone)})";

    public static string ZoneId(string? timeZone) => string.IsNullOrEmpty(timeZone) ? "UTC" : timeZone;

    /// <summary>The schedule's zone for writing its times, or UTC when it has none or it no longer resolves.</summary>
    public static TimeZoneInfo Zone(string? timeZone)
    {
        if (string.IsNullOrEmpty(timeZone)) return TimeZoneInfo.Utc;
        return TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var zone) ? zone : TimeZoneInfo.Utc;
    }

    /// <summary>A short label for the schedule in aria-labels, where the row's other cells are not read out.</summary>
    public static string Describe(ScheduleRecord schedule) => $"the {schedule.FunctionName} schedule ({Timing(schedule)})";
}

/// <summary>The time zones offered for cron schedules: IANA ids, as the API takes them, whatever the host OS names them.</summary>
public static class TimeZoneChoices
{
    public const string Utc = "UTC";

    /// <summary>How many matches the picker lists at once; the rest are reached by typing more.</summary>
    public const int MaxShown = 50;

    private static readonly Lazy<IReadOnlyList<string>> Ids = new(Load);

    public static IReadOnlyList<string> All => Ids.Value;

    /// <summary>
    /// Ids containing every word of <paramref name="text"/> ("new york", "europe bru", "Amsterdam"): the id typed in
    /// full first, then ids whose city starts with the text, then the rest in order (UTC first).
    /// </summary>
    public static IEnumerable<string> Search(string? text)
    {
        var typed = (text ?? "").Trim();
        var words = typed.Replace('_', ' ').Split([' ', '/'], StringSplitOptions.RemoveEmptyEntries);
        return All
            .Where(id => words.All(word => id.Replace('_', ' ').Contains(word, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(id => string.Equals(id, typed, StringComparison.OrdinalIgnoreCase) ? 0
                : City(id).StartsWith(typed.Replace(' ', '_'), StringComparison.OrdinalIgnoreCase) ? 1 : 2);
    }

    private static string City(string id) => id[(id.LastIndexOf('/') + 1)..];

    /// <summary>"Europe/Brussels (UTC+01:00)", with the offset in force at <paramref name="now"/>.</summary>
    public static string Label(string id, DateTimeOffset now)
    {
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone)) return id;
        var offset = zone.GetUtcOffset(now);
        var sign = offset < TimeSpan.Zero ? "-" : "+";
        return $"{id} (UTC{sign}{offset.Duration():hh\\:mm})";
    }

    private static IReadOnlyList<string> Load()
    {
        var ids = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var zone in TimeZoneInfo.GetSystemTimeZones())
        {
            if (zone.HasIanaId) ids.Add(zone.Id);
            else if (TimeZoneInfo.TryConvertWindowsIdToIanaId(zone.Id, out var iana)) ids.Add(iana);
        }
        ids.Remove(Utc);
        return [Utc, .. ids];
    }
}
