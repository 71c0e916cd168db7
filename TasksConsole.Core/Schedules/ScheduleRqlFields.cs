using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
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
        .Custom("tags", Tags)
        .Boolean("paused", s => s.Paused)
        .Timestamp("startTimestamp", s => s.StartTimestamp)
        .Timestamp("nextTimestamp", s => s.NextTimestamp)
        .Timestamp("lastFiredTimestamp", s => s.LastFiredTimestamp)
        .Timestamp("creationTimestamp", s => s.CreationTimestamp)
        .Timestamp("updateTimestamp", s => s.UpdateTimestamp)
        .String("createdByUserId", s => s.CreatedByUserId)
        .WithDefaultSort(new RqlSortKey("creationTimestamp"))
        .WithTieBreaker("id");

    private static Expression<Func<ScheduleRecord, bool>> Tags(RqlCondition condition)
    {
        switch (condition.Operator)
        {
            case RqlOperator.Eq or RqlOperator.Ne:
                var tag = RqlConvert.ToText(condition, condition.Value);
                return condition.Operator == RqlOperator.Eq
                    ? s => s.Tags.Contains(tag)
                    : s => !s.Tags.Contains(tag);

            case RqlOperator.In or RqlOperator.Out:
                var tags = condition.Values.Select(v => RqlConvert.ToText(condition, v)).Distinct().ToList();
                return condition.Operator == RqlOperator.In
                    ? s => s.Tags.Any(t => tags.Contains(t))
                    : s => !s.Tags.Any(t => tags.Contains(t));

            case RqlOperator.Like:
                var pattern = RqlLike.ToSqlPattern(RqlConvert.ToText(condition, condition.Value));
                return s => s.Tags.Any(t => EF.Functions.Like(t, pattern, RqlLike.EscapeCharacter));

            case RqlOperator.Contains or RqlOperator.Excludes when condition.Conditions.Count == 0:
                return condition.Operator == RqlOperator.Contains
                    ? s => s.Tags.Count > 0
                    : s => s.Tags.Count == 0;

            default:
                throw RqlErrors.Invalid(condition,
                    $"Invalid RQL: {condition.Operator.ToRql()}() is not supported on tags; use eq, ne, in, out, like, contains(tags) or excludes(tags)");
        }
    }
}
