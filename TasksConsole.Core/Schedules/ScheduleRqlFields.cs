using TasksConsole.Core.Rql;

namespace TasksConsole.Core.Schedules;

/// <summary>
/// The RQL fields of a schedule, under their wire names (<c>interval</c> is the seconds column, <c>cron</c> the
/// expression). Schedules are few, so <c>tags</c> is matched inside its JSON array rather than through an index.
/// </summary>
public static class ScheduleRqlFields
{
    public static RqlFieldMap<ScheduleRecord> Map { get; } = new RqlFieldMap<ScheduleRecord>()
        .String("id", s => s.Id)
        .String("functionName", s => s.FunctionName)
        .Integer("interval", s => s.IntervalSeconds)
        .String("cron", s => s.CronExpression)
        .String("timeZone", s => s.TimeZone)
        .Integer("priority", s => s.Priority)
        .Custom("tags", condition => RqlStringArrays.Predicate<ScheduleRecord>(condition, schedule => schedule.Tags))
        .Boolean("paused", s => s.Paused)
        .Timestamp("startTimestamp", s => s.StartTimestamp)
        .Timestamp("nextTimestamp", s => s.NextTimestamp)
        .Timestamp("lastFiredTimestamp", s => s.LastFiredTimestamp)
        .Timestamp("creationTimestamp", s => s.CreationTimestamp)
        .Timestamp("updateTimestamp", s => s.UpdateTimestamp)
        .String("createdByUserId", s => s.CreatedByUserId)
        .WithDefaultSort(new RqlSortKey("creationTimestamp"))
        .WithTieBreaker("id");
}
