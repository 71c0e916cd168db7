using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using TasksConsole.Core.Common;
using TasksConsole.Core.Data;
using TasksConsole.Core.Rql;

namespace TasksConsole.Core.Tasks;

/// <summary>
/// The RQL fields of a task, under their EXH wire names. Build one per <see cref="TasksDbContext"/>: the tag
/// conditions query that context's <c>TaskTags</c> table, and EF refuses to mix contexts in one query.
/// </summary>
/// <remarks>
/// <para><c>tags</c> never reads the JSON column: every condition becomes <c>Id [NOT] IN (SELECT TaskId FROM
/// TaskTags WHERE ...)</c>, which SQLite answers from the (Tag, TaskId) primary key. <c>eq</c>/<c>ne</c> mean has /
/// has not the tag, <c>in</c>/<c>out</c> any of / none of, <c>like</c> some tag matches, <c>contains</c>/<c>excludes</c>
/// at least one tag / none.</para>
/// <para><c>retryForTaskIds</c> has no side table and is matched inside its JSON array (a scan, acceptable for
/// a rarely used filter); <c>error</c> is present when the task has an error type.</para>
/// </remarks>
public static class TaskRqlFields
{
    public static RqlFieldMap<TaskRecord> For(TasksDbContext db) => new RqlFieldMap<TaskRecord>()
        .String("id", t => t.Id)
        .String("functionName", t => t.FunctionName)
        .Integer("priority", t => t.Priority)
        .Timestamp("startTimestamp", t => t.StartTimestamp)
        .Enum("status", t => t.Status, TaskStates.TryParseWire, TaskStates.ToWire)
        .Custom("tags", condition => Tags(db, condition))
        .Timestamp("creationTimestamp", t => t.CreationTimestamp)
        .Timestamp("updateTimestamp", t => t.UpdateTimestamp)
        .Timestamp("statusChangedTimestamp", t => t.StatusChangedTimestamp)
        .String("createdByUserId", t => t.CreatedByUserId)
        .String("createdByApplicationId", t => t.CreatedByApplicationId)
        .String("retriedByTaskId", t => t.RetriedByTaskId)
        .Custom("retryForTaskIds", condition => RqlStringArrays.Predicate<TaskRecord>(condition, task => task.RetryForTaskIds))
        .String("scheduleId", t => t.ScheduleId)
        .Custom("error", Error)
        .String("error.type", t => t.ErrorType)
        .String("error.name", t => t.ErrorName)
        .String("error.message", t => t.ErrorMessage)
        .WithDefaultSort(new RqlSortKey("creationTimestamp"))
        .WithTieBreaker("id");

    private static Expression<Func<TaskRecord, bool>> Tags(TasksDbContext db, RqlCondition condition)
    {
        switch (condition.Operator)
        {
            case RqlOperator.Eq or RqlOperator.Ne:
                var tag = RqlConvert.ToText(condition, condition.Value);
                var withTag = db.TaskTags.Where(t => t.Tag == tag).Select(t => t.TaskId);
                return condition.Operator == RqlOperator.Eq
                    ? task => withTag.Contains(task.Id)
                    : task => !withTag.Contains(task.Id);

            case RqlOperator.In or RqlOperator.Out:
                var tags = condition.Values.Select(v => RqlConvert.ToText(condition, v)).Distinct().ToList();
                var withAny = db.TaskTags.Where(t => tags.Contains(t.Tag)).Select(t => t.TaskId);
                return condition.Operator == RqlOperator.In
                    ? task => withAny.Contains(task.Id)
                    : task => !withAny.Contains(task.Id);

            case RqlOperator.Like:
                var pattern = RqlLike.ToSqlPattern(RqlConvert.ToText(condition, condition.Value));
                var matching = db.TaskTags.Where(t => EF.Functions.Like(t.Tag, pattern, RqlLike.EscapeCharacter)).Select(t => t.TaskId);
                return task => matching.Contains(task.Id);

            case RqlOperator.Contains or RqlOperator.Excludes when condition.Conditions.Count == 0:
                var tagged = db.TaskTags.Select(t => t.TaskId);
                return condition.Operator == RqlOperator.Contains
                    ? task => tagged.Contains(task.Id)
                    : task => !tagged.Contains(task.Id);

            default:
                throw Unsupported(condition, "tags is an array of strings: use eq, ne, in, out, like, contains(tags) or excludes(tags)");
        }
    }

    /// <summary>A task has an error exactly when it has an error type; the object itself cannot be compared.</summary>
    private static Expression<Func<TaskRecord, bool>> Error(RqlCondition condition)
    {
        var hasError = condition.Operator switch
        {
            RqlOperator.Contains when condition.Conditions.Count == 0 => true,
            RqlOperator.Excludes when condition.Conditions.Count == 0 => false,
            RqlOperator.Ne when condition.Value.IsNull => true,
            RqlOperator.Eq when condition.Value.IsNull => false,
            _ => throw Unsupported(condition, "error is an object: use contains(error), excludes(error) or filter on error.type, error.name or error.message"),
        };
        return hasError ? task => task.ErrorType != null : task => task.ErrorType == null;
    }

    private static ServiceException Unsupported(RqlCondition condition, string hint) =>
        RqlErrors.Invalid(condition, $"Invalid RQL: {condition.Operator.ToRql()}() is not supported on {condition.Field}; {hint}");
}
