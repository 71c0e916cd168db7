using TasksConsole.Core.Tasks;

namespace TasksConsole.Core.Schedules;

/// <summary>
/// A recurring task: every <see cref="IntervalSeconds"/> (EXH), or beyond EXH on a cron expression in a time zone.
/// Each firing creates an ordinary task; future tasks are not created ahead of time.
/// </summary>
public sealed class ScheduleRecord
{
    public required string Id { get; set; }
    public required string FunctionName { get; set; }
    public string DataJson { get; set; } = "{}";
    public long? Priority { get; set; }
    public List<string> Tags { get; set; } = [];

    public long? IntervalSeconds { get; set; }
    public string? CronExpression { get; set; }

    /// <summary>IANA or Windows time zone id for <see cref="CronExpression"/>; UTC when empty.</summary>
    public string? TimeZone { get; set; }

    public DateTimeOffset StartTimestamp { get; set; }
    public DateTimeOffset NextTimestamp { get; set; }
    public DateTimeOffset? LastFiredTimestamp { get; set; }
    public bool Paused { get; set; }

    public string? CreatedByUserId { get; set; }
    public DateTimeOffset CreationTimestamp { get; set; }
    public DateTimeOffset UpdateTimestamp { get; set; }

    /// <summary>
    /// The task one firing creates: the schedule's function, data, priority and tags, linked to the schedule, from
    /// <paramref name="start"/> (now when null). Regular firings and Fire now both build it here, so they cannot drift.
    /// </summary>
    public NewTask FiringTask(DateTimeOffset? start) => new(FunctionName, DataJson, Priority, start, Tags, Id);
}
