using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using TasksConsole.Core.Data;
using TasksConsole.Core.Rql;

namespace TasksConsole.Core.Tasks;

/// <summary>
/// Reads a page by walking the sort's index over a bounded prefix of the store, checking each task with the
/// <see cref="TaskConditionForm.RowCheck"/> form of the filter. When many tasks match (a common tag, a common
/// function), the page fills after a few dozen tasks, where the index-lookup form lists and sorts every match
/// first. When few match, or the matches are not spread evenly in the sort order (tags and functions of one
/// period), an unbounded walk would read most of the store; the prefix caps that cost, and when it does not
/// yield a full page the caller takes the general path.
/// </summary>
/// <remarks>
/// <para>The walk is not tried when a condition of the filter, counted from its index up to
/// <see cref="PrefixRows"/>, matches fewer: such matches rarely fill a page within the prefix of a large store,
/// and the index-lookup form reads just those few.</para>
/// <para>Filters without a condition of two forms (see <see cref="TaskConditionForm"/>) take the general path as
/// they are.</para>
/// <para>The prefix is every task whose first sort key is at or before that of the <see cref="PrefixRows"/>-th task in
/// sort order. It holds all tasks that sort before any task outside it, whatever the later sort keys, so a page
/// that lies wholly inside it is the page of the whole store. The boundary may be read in an earlier snapshot
/// than the page: any boundary gives a prefix, only its size moves.</para>
/// </remarks>
internal static class PrefixWalk
{
    /// <summary>Big enough to fill a page when half a percent of tasks match, small enough that a miss costs ~10 ms.</summary>
    public const int PrefixRows = 4096;

    /// <summary>Pages ending deeper than this share of the prefix need too many matches to be likely within it.</summary>
    private const int MaxPageEndShare = 16;

    /// <summary>Sort keys that an index of Tasks leads with (see TasksDbContext) and that are never null.</summary>
    private static readonly Dictionary<string, Expression<Func<TaskRecord, DateTimeOffset>>> WalkableKeys = new(StringComparer.Ordinal)
    {
        ["creationTimestamp"] = t => t.CreationTimestamp,
        ["startTimestamp"] = t => t.StartTimestamp,
        ["statusChangedTimestamp"] = t => t.StatusChangedTimestamp,
    };

    /// <summary>
    /// The page: from the walk when it can answer, otherwise from the general translation in the forms that suit
    /// the matches. <c>Walked</c> says which.
    /// </summary>
    /// <param name="prefixRows">The prefix size; only tests change it, to put the boundary inside a small store.</param>
    public static async Task<(List<TaskRecord> Page, bool Walked)> PageAsync(
        TasksDbContext db, RqlQuery query, RqlFieldMap<TaskRecord> fields, int offset, int limit, CancellationToken cancellationToken,
        int prefixRows = PrefixRows)
    {
        var forms = fields;
        if (TaskRqlFields.HasTwoForms(query.Filter) && !await HasRareConditionAsync(db, query.Filter, fields, prefixRows, cancellationToken))
        {
            var rowChecks = TaskRqlFields.For(db, TaskConditionForm.RowCheck);
            if (await TryWalkAsync(db, query, fields, rowChecks, offset, limit, prefixRows, cancellationToken) is { } walked) return (walked, true);

            // Many matches, but not within the prefix (a deep page, an unindexed sort, matches late in the order). A
            // LIKE per task still lets SQLite walk the sort index and stop once the page is full, as the lookup form
            // (every match, then a sort) would not. Tag conditions keep their lookup form: an unbounded walk at a
            // few seeks per task could read the whole store when the matches sit at its far end.
            if (!TaskRqlFields.HasTagTwoForms(query.Filter)) forms = rowChecks;
        }
        return (await db.Tasks.AsNoTracking().ApplyQuery(query, forms).Skip(offset).Take(limit).ToListAsync(cancellationToken), false);
    }

    /// <summary>The page, or null when the walk cannot answer it.</summary>
    private static async Task<List<TaskRecord>?> TryWalkAsync(
        TasksDbContext db, RqlQuery query, RqlFieldMap<TaskRecord> fields, RqlFieldMap<TaskRecord> rowChecks, int offset, int limit,
        int prefixRows, CancellationToken cancellationToken)
    {
        var sort = query.Sort.Count > 0 ? query.Sort : fields.DefaultSort;
        if (limit <= 0 || (long)offset + limit > prefixRows / MaxPageEndShare || sort.Count == 0
            || !WalkableKeys.TryGetValue(sort[0].Field, out var key))
        {
            return null;
        }

        var descending = sort[0].Descending;
        var ordered = descending ? db.Tasks.OrderByDescending(key) : db.Tasks.OrderBy(key);
        var boundary = await ordered.Select(key).Skip(prefixRows - 1).Select(k => (DateTimeOffset?)k).FirstOrDefaultAsync(cancellationToken);

        var candidates = db.Tasks.AsNoTracking();
        if (boundary is { } last) candidates = candidates.Where(AtOrBefore(key, descending, last));
        var page = await candidates.ApplyQuery(query, rowChecks).Skip(offset).Take(limit).ToListAsync(cancellationToken);

        // Without a boundary the prefix is the whole store, so whatever it gave is the answer.
        return boundary is null || page.Count == limit ? page : null;
    }

    /// <summary>
    /// Whether a condition that all matches must meet (the filter, or a term of its top-level <c>and</c>) matches
    /// fewer than <paramref name="cap"/> tasks, counted from an index and no further than the cap: tag rows for
    /// a tag condition (a task with several of the tags counts more than once, which only errs towards walking),
    /// tasks of the matching functions for like on functionName.
    /// </summary>
    private static async Task<bool> HasRareConditionAsync(
        TasksDbContext db, RqlNode? filter, RqlFieldMap<TaskRecord> fields, int cap, CancellationToken cancellationToken)
    {
        IEnumerable<RqlNode> conditions = filter switch
        {
            RqlLogical { Operator: RqlOperator.And } and => and.Operands,
            null => [],
            _ => [filter],
        };
        foreach (var condition in conditions.OfType<RqlCondition>())
        {
            var found = condition switch
            {
                { Field: "tags", Operator: RqlOperator.Eq or RqlOperator.In, Conditions.Count: 0 } =>
                    await CountUpToAsync(db, RqlConvert.ToDistinctTexts(condition), cap, cancellationToken),
                { Field: "functionName", Operator: RqlOperator.Like } =>
                    await db.Tasks.ApplyFilter(condition, fields).Take(cap).CountAsync(cancellationToken),
                _ => cap,
            };
            if (found < cap) return true;
        }
        return false;
    }

    private static Task<int> CountUpToAsync(TasksDbContext db, List<string> tags, int cap, CancellationToken cancellationToken) =>
        db.TaskTags.Where(t => tags.Contains(t.Tag)).Take(cap).CountAsync(cancellationToken);

    private static Expression<Func<TaskRecord, bool>> AtOrBefore(
        Expression<Func<TaskRecord, DateTimeOffset>> key, bool descending, DateTimeOffset boundary)
    {
        var value = RqlTranslator.Parameter(boundary, typeof(DateTimeOffset));
        var body = descending ? Expression.GreaterThanOrEqual(key.Body, value) : Expression.LessThanOrEqual(key.Body, value);
        return Expression.Lambda<Func<TaskRecord, bool>>(body, key.Parameters);
    }
}
