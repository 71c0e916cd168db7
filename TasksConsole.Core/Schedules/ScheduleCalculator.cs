using Cronos;
using TasksConsole.Core.Common;

namespace TasksConsole.Core.Schedules;

/// <summary>When a schedule fires: a fixed interval from its start (EXH), or a cron expression in a time zone.</summary>
public sealed record ScheduleTiming
{
    private ScheduleTiming(DateTimeOffset start, long? intervalMilliseconds, CronExpression? cron, TimeZoneInfo timeZone)
    {
        Start = start;
        IntervalMilliseconds = intervalMilliseconds;
        Cron = cron;
        TimeZone = timeZone;
    }

    public DateTimeOffset Start { get; }
    public long? IntervalMilliseconds { get; }
    public CronExpression? Cron { get; }
    public TimeZoneInfo TimeZone { get; }

    public static ScheduleTiming Interval(DateTimeOffset start, long seconds) => new(start, checked(seconds * 1000), null, TimeZoneInfo.Utc);

    public static ScheduleTiming ForCron(DateTimeOffset start, string expression, string? timeZone) =>
        new(start, null, ScheduleCalculator.ParseCron(expression), ScheduleCalculator.ResolveTimeZone(timeZone));

    /// <summary>The timing of a stored schedule; throws FIELD_FORMAT if it holds neither an interval nor a valid cron.</summary>
    public static ScheduleTiming From(ScheduleRecord schedule) => schedule switch
    {
        { IntervalSeconds: { } seconds } => Interval(schedule.StartTimestamp, seconds),
        { CronExpression: { } cron } => ForCron(schedule.StartTimestamp, cron, schedule.TimeZone),
        _ => throw new ServiceException(ErrorCode.FieldFormat, $"Schedule {schedule.Id} has neither an interval nor a cron expression."),
    };
}

/// <summary>
/// The firing instants of a schedule. Interval slots are <c>start + k·interval</c>: missed slots (downtime, a
/// pause) are skipped rather than fired in a burst, and the grid never drifts. Cron occurrences are computed in
/// the schedule's time zone by Cronos, so "09:00 Europe/Brussels" stays 09:00 local across DST changes (an
/// occurrence in the skipped spring hour fires at the end of the gap; one in the repeated autumn hour fires once).
/// </summary>
public static class ScheduleCalculator
{
    /// <summary>
    /// The first firing of a new schedule: its start for an interval (even a past start: the first run is then
    /// due at once, the following ones resume on the grid after now); for cron, the first occurrence at or after
    /// the later of start and now. Null when a cron expression never occurs.
    /// </summary>
    public static DateTimeOffset? Initial(ScheduleTiming timing, DateTimeOffset now)
    {
        if (timing.IntervalMilliseconds is not null) return timing.Start;
        var from = timing.Start > now ? timing.Start : now;
        return timing.Cron!.GetNextOccurrence(from, timing.TimeZone, inclusive: true);
    }

    /// <summary>The first firing strictly after <paramref name="now"/> (and not before the start); null when there is none.</summary>
    public static DateTimeOffset? NextAfter(ScheduleTiming timing, DateTimeOffset now)
    {
        if (timing.IntervalMilliseconds is { } interval)
        {
            if (now < timing.Start) return timing.Start;
            var elapsed = now.ToUnixTimeMilliseconds() - timing.Start.ToUnixTimeMilliseconds();
            var slots = elapsed / interval + 1;
            return DateTimeOffset.FromUnixTimeMilliseconds(timing.Start.ToUnixTimeMilliseconds() + slots * interval);
        }
        return now < timing.Start
            ? timing.Cron!.GetNextOccurrence(timing.Start, timing.TimeZone, inclusive: true)
            : timing.Cron!.GetNextOccurrence(now, timing.TimeZone, inclusive: false);
    }

    /// <summary>Up to <paramref name="count"/> firings starting with <paramref name="first"/>, in order.</summary>
    public static IReadOnlyList<DateTimeOffset> Upcoming(ScheduleTiming timing, DateTimeOffset first, int count)
    {
        var result = new List<DateTimeOffset>(count);
        DateTimeOffset? next = first;
        while (next is { } instant && result.Count < count)
        {
            result.Add(instant);
            if (timing.IntervalMilliseconds is { } interval)
            {
                if (instant > DateTimeOffset.MaxValue.AddMilliseconds(-interval)) break;
                next = instant.AddMilliseconds(interval);
            }
            else
            {
                next = timing.Cron!.GetNextOccurrence(instant, timing.TimeZone, inclusive: false);
            }
        }
        return result;
    }

    /// <summary>A standard 5-field expression, a 6-field one whose first field is seconds, or a macro such as <c>@daily</c>.</summary>
    public static CronExpression ParseCron(string expression)
    {
        var trimmed = expression.Trim();
        var fields = trimmed.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        var format = fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard;
        if (trimmed.Length > ScheduleLimits.MaxCronLength
            || (fields is not (5 or 6) && !trimmed.StartsWith('@'))
            || !CronExpression.TryParse(trimmed, format, out var cron))
        {
            throw new ServiceException(ErrorCode.FieldFormat,
                "Field 'cron' must be a cron expression of 5 fields (minute hour day month weekday) or 6 (with seconds first).");
        }
        return cron;
    }

    /// <summary>
    /// An IANA (or Windows) time zone id; UTC when empty. The id is looked up with the Try form: on Linux a region
    /// name such as <c>Europe</c> is a folder of the zone database, and the throwing lookup reports it with a
    /// <see cref="System.Security.SecurityException"/> rather than "not found". Ids that name the host's own
    /// settings rather than a zone (<c>localtime</c>, <c>posixrules</c>) are refused: they would change meaning
    /// with the machine.
    /// </summary>
    public static TimeZoneInfo ResolveTimeZone(string? id)
    {
        if (string.IsNullOrEmpty(id)) return TimeZoneInfo.Utc;
        if (id.Trim().Length == id.Length && !HostSpecificZoneIds.Contains(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone))
        {
            return zone;
        }
        throw new ServiceException(ErrorCode.FieldFormat,
            $"Field 'timeZone' must be an IANA time zone id such as 'Europe/Brussels', not '{Shorten(id)}'.");
    }

    private static readonly HashSet<string> HostSpecificZoneIds = new(["localtime", "posixrules", "Factory"], StringComparer.OrdinalIgnoreCase);

    private static string Shorten(string text) => text.Length <= 64 ? text : text[..64] + "...";
}
