using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using TasksConsole.Core.Common;
using TasksConsole.Core.Data;
using TasksConsole.Core.Rql;
using TasksConsole.Core.Tasks.Search;

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
/// <para><c>like</c> on <c>functionName</c> is matched against the distinct function names and becomes
/// <c>FunctionName IN (...)</c>, ranges of its index, instead of a LIKE over every task.</para>
/// <para>Those are the <see cref="TaskConditionForm.IndexLookup"/> forms, which suit counts and rare matches.
/// <see cref="TaskConditionForm.RowCheck"/> writes the same conditions as checks on one task (EXISTS, LIKE), which
/// suit a page read by walking the sort index and stopping once it is full.</para>
/// </remarks>
public static class TaskRqlFields
{
    public static RqlFieldMap<TaskRecord> For(TasksDbContext db) => For(db, TaskConditionForm.IndexLookup);

    /// <summary>
    /// <see cref="For(TasksDbContext)"/>, except that on PostgreSQL each <c>like</c> on <c>functionName</c> in
    /// <paramref name="filter"/> is matched against the distinct names first, and the filter then names them.
    /// PostgreSQL runs <c>FunctionName IN (subquery)</c> under a LIMIT (the prefix walk's bounded count) as a semi-join
    /// that reads the name index in order (137,000 entries for 4,096 matches at 1M tasks), where
    /// <c>FunctionName = ANY(@names)</c> reads only the matching names' ranges. SQLite already drives the IN from the
    /// names, so it keeps the single statement.
    /// </summary>
    public static async Task<RqlFieldMap<TaskRecord>> ForAsync(TasksDbContext db, RqlNode? filter, CancellationToken cancellationToken)
    {
        var fields = For(db);
        if (!SqlDialect.Of(db).IsPostgreSql) return fields;
        var patterns = FunctionNameLikes(filter).Distinct(StringComparer.Ordinal).ToList();
        if (patterns.Count == 0) return fields;

        var matches = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var text in patterns)
        {
            var pattern = RqlLike.ToSqlPattern(text);
            var names = await DistinctFunctionNames(db)
                .Where(name => EF.Functions.Like(name, pattern, RqlLike.EscapeCharacter))
                .Take(MaxSkipScanNames + 1)
                .ToListAsync(cancellationToken);
            // A store with more names than the skip-scan lists keeps the subquery, as its walk gives up there too.
            if (names.Count <= MaxSkipScanNames) matches[text] = names;
        }
        return fields.WithLikeMatches("functionName", matches);
    }

    private static IEnumerable<string> FunctionNameLikes(RqlNode? node) => node switch
    {
        RqlCondition { Operator: RqlOperator.Like, Field: "functionName", Values.Count: 1 } like when !like.Value.IsNull =>
            [RqlConvert.ToText(like, like.Value)],
        RqlLogical logical => logical.Operands.SelectMany(FunctionNameLikes),
        _ => [],
    };

    internal static RqlFieldMap<TaskRecord> For(TasksDbContext db, TaskConditionForm form) => new RqlFieldMap<TaskRecord>()
        .String("id", t => t.Id)
        .String("functionName", t => t.FunctionName,
            distinctValues: form == TaskConditionForm.IndexLookup ? () => DistinctFunctionNames(db) : null)
        .Integer("priority", t => t.Priority)
        .Timestamp("startTimestamp", t => t.StartTimestamp)
        .Enum("status", t => t.Status, TaskStates.TryParseWire, TaskStates.ToWire)
        .Custom("tags", condition => form == TaskConditionForm.RowCheck && TryTagCheck(db, condition) is { } check ? check : Tags(db, condition))
        .Timestamp("creationTimestamp", t => t.CreationTimestamp)
        .Timestamp("updateTimestamp", t => t.UpdateTimestamp)
        .Timestamp("statusChangedTimestamp", t => t.StatusChangedTimestamp)
        .String("createdByUserId", t => t.CreatedByUserId)
        .String("createdByApplicationId", t => t.CreatedByApplicationId)
        .String("retriedByTaskId", t => t.RetriedByTaskId)
        .Custom("retryForTaskIds", condition => RqlStringArrays.Predicate<TaskRecord>(condition, task => task.RetryForTaskIds))
        .String("scheduleId", t => t.ScheduleId)
        .String("rerunOfTaskId", t => t.RerunOfTaskId)
        .Custom("error", Error)
        .String("error.type", t => t.ErrorType)
        .String("error.name", t => t.ErrorName)
        .String("error.message", t => t.ErrorMessage)
        .Prefixed(TaskDataPath.Prefix, condition => TaskDataConditions.Predicate(condition, SqlDialect.Of(db).IsPostgreSql))
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
                var tags = RqlConvert.ToDistinctTexts(condition);
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

    /// <summary>Whether <paramref name="filter"/> has a condition whose two forms differ (see <see cref="TaskConditionForm"/>).</summary>
    internal static bool HasTwoForms(RqlNode? filter) => HasTagTwoForms(filter) || Has(filter, c => c is { Field: "functionName", Operator: RqlOperator.Like });

    /// <summary>Whether <paramref name="filter"/> has a tag condition whose two forms differ.</summary>
    internal static bool HasTagTwoForms(RqlNode? filter) =>
        Has(filter, c => c is { Field: "tags", Operator: RqlOperator.Eq or RqlOperator.Ne or RqlOperator.In or RqlOperator.Out });

    private static bool Has(RqlNode? filter, Func<RqlCondition, bool> predicate) => filter switch
    {
        RqlLogical logical => logical.Operands.Any(o => Has(o, predicate)),
        RqlCondition condition => predicate(condition),
        _ => false,
    };

    /// <summary>
    /// <c>eq</c>/<c>ne</c>/<c>in</c>/<c>out</c> as a correlated [NOT] EXISTS on the task's own tag rows (the
    /// (TaskId, Tag) key): a few lookups per task examined, where the IN form first lists every task that has the
    /// tags. Null for the other operators, whose single form serves both.
    /// </summary>
    private static Expression<Func<TaskRecord, bool>>? TryTagCheck(TasksDbContext db, RqlCondition condition)
    {
        switch (condition.Operator)
        {
            case RqlOperator.Eq or RqlOperator.Ne:
                var tag = RqlConvert.ToText(condition, condition.Value);
                return condition.Operator == RqlOperator.Eq
                    ? task => db.TaskTags.Any(t => t.TaskId == task.Id && t.Tag == tag)
                    : task => !db.TaskTags.Any(t => t.TaskId == task.Id && t.Tag == tag);

            case RqlOperator.In or RqlOperator.Out:
                var tags = RqlConvert.ToDistinctTexts(condition);
                return condition.Operator == RqlOperator.In
                    ? task => db.TaskTags.Any(t => t.TaskId == task.Id && tags.Contains(t.Tag))
                    : task => !db.TaskTags.Any(t => t.TaskId == task.Id && tags.Contains(t.Tag));

            default:
                return null;
        }
    }

    /// <summary>
    /// Every distinct function name in Tasks, read by a skip-scan of the (FunctionName, Status) index: each step
    /// seeks the next name after the last one, so the cost follows the number of names, not of tasks. Tasks may
    /// name functions that were never registered, so the Functions table is not a complete list. Past
    /// <see cref="MaxSkipScanNames"/> names the walk gives up and the names come from reading the whole index
    /// instead, so that a store with as many names as tasks costs a scan (what a plain LIKE costs) rather than a
    /// seek per task.
    /// </summary>
    private static IQueryable<string> DistinctFunctionNames(TasksDbContext db) => db.Database.SqlQueryRaw<string>(SqlDialect.Of(db).IsPostgreSql ? PostgreSqlDistinctFunctionNamesSql : DistinctFunctionNamesSql);

    internal const int MaxSkipScanNames = 1000;

    // A NULL step ends the walk: it saw every name. The walk stops without one once it has MaxSkipScanNames names,
    // and only then does the "gave up" row exist; the CROSS JOIN keeps it the outer loop, so that the scan of Tasks
    // is not even started otherwise (SQLite does not hoist a subquery condition out of a loop).
    private static readonly string DistinctFunctionNamesSql = $"""
        WITH RECURSIVE "names"("Value", "Step") AS (
            SELECT MIN("FunctionName"), 1 FROM "Tasks"
            UNION ALL
            SELECT (SELECT MIN("FunctionName") FROM "Tasks" WHERE "FunctionName" > "names"."Value"), "Step" + 1
            FROM "names" WHERE "names"."Value" IS NOT NULL AND "names"."Step" < {MaxSkipScanNames}
        ),
        "complete"("Done") AS (SELECT EXISTS (SELECT 1 FROM "names" WHERE "Value" IS NULL))
        SELECT "names"."Value" FROM "complete" CROSS JOIN "names" WHERE "complete"."Done" AND "names"."Value" IS NOT NULL
        UNION ALL
        SELECT DISTINCT "Tasks"."FunctionName" FROM "complete" CROSS JOIN "Tasks" WHERE NOT "complete"."Done"
        """;

    // The same walk in PostgreSQL, which has no skip scan either: a recursive term must keep its columns' types, so
    // the names are text (in byte order, as the column).
    private static readonly string PostgreSqlDistinctFunctionNamesSql = $"""
        WITH RECURSIVE "names"("Value", "Step") AS (
            SELECT CAST(MIN("FunctionName") AS text) COLLATE "C", 1 FROM "Tasks"
            UNION ALL
            SELECT CAST((SELECT MIN("FunctionName") FROM "Tasks" WHERE "FunctionName" > "names"."Value") AS text) COLLATE "C", "Step" + 1
            FROM "names" WHERE "names"."Value" IS NOT NULL AND "names"."Step" < {MaxSkipScanNames}
        ),
        "complete"("Done") AS (SELECT EXISTS (SELECT 1 FROM "names" WHERE "Value" IS NULL))
        SELECT "names"."Value" FROM "complete" CROSS JOIN "names" WHERE "complete"."Done" AND "names"."Value" IS NOT NULL
        UNION ALL
        SELECT DISTINCT CAST("Tasks"."FunctionName" AS text) COLLATE "C" FROM "complete" CROSS JOIN "Tasks" WHERE NOT "complete"."Done"
        """;

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

/// <summary>
/// How the task fields write the conditions that have two SQL forms (tags equality and membership, like on
/// functionName). Both forms select exactly the same tasks; they differ in what SQLite can do with them.
/// </summary>
internal enum TaskConditionForm
{
    /// <summary>Lists the matching tasks (or names) from an index first: suits counts and rare matches.</summary>
    IndexLookup,

    /// <summary>Checks each task on its own: suits a walk of the sort index that stops once a page is full.</summary>
    RowCheck,
}
