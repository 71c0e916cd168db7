using System.Text;
using Microsoft.EntityFrameworkCore;
using TasksConsole.Core.Data;
using TasksConsole.Core.Rql;

namespace TasksConsole.Core.Tasks;

/// <summary>
/// The exact number of tasks carrying any of a few tags (<c>eq(tags,a)</c>, <c>in(tags,a,b,…)</c>), optionally in
/// given statuses (<c>eq(status,s)</c>, <c>in(status,s,…)</c>), from the TaskTags index alone. The general count
/// lists every matching task id to drop the tasks that carry several of the tags, which costs hundreds of
/// milliseconds once a quarter of a million tasks match. Here it is the sizes of the tags' index ranges minus the tasks counted more than once:
/// <c>|T1 ∪ … ∪ Tk| = Σ|Ti| − Σ(i≥2) |Ti ∩ (T1 ∪ … ∪ Ti−1)|</c>. A range size is a count over the index, and each
/// overlap is a compound SELECT ordered like an index, which SQLite runs as a merge of the ranges as they lie
/// in the index: no sort, no lookup per row.
/// </summary>
/// <remarks>
/// <para>One or two tags without a status condition are answered from counters instead (see
/// <see cref="CountersSql"/> and <see cref="PostgreSqlCountersSql"/>): a few key lookups whatever the number of
/// matching tasks.</para>
/// <para>Without a status condition the merges walk the (Tag, TaskId) index and compare the task id alone. With
/// one they walk the queue-order index, whose (Status, Priority, StartTimestamp, TaskId) suffix meets the rows of
/// one task because they all carry the same values: priority and start never change after creation and the
/// status trigger rewrites all of a task's tag rows at once (what <see cref="TagQueuePlan"/> relies on too).
/// Comparing four columns per row costs about 1.7 times comparing one.</para>
/// <para>Everything is one statement, so the sizes and the overlaps are read from the same snapshot and the total
/// is exact while tasks are being written.</para>
/// </remarks>
internal sealed record AnyTagCount(IReadOnlyList<string> Tags, IReadOnlyList<TaskState>? Statuses)
{
    /// <summary>The merges grow with the square of the number of tags; past this the general count is cheaper.</summary>
    public const int MaxTags = 8;

    /// <summary>The columns of the queue-order tag index after the tag, in its order, which makes the merges' order.</summary>
    private const string QueueSuffix = "\"Status\", \"Priority\", \"StartTimestamp\", \"TaskId\"";
    private const string QueueSuffixOrder = "ORDER BY 1, 2 DESC, 3, 4";

    /// <summary>The filter's tags and statuses when it is one tag condition, alone or with one status condition.</summary>
    public static AnyTagCount? TryCreate(RqlNode? filter)
    {
        IReadOnlyList<RqlNode> parts = filter switch
        {
            RqlLogical { Operator: RqlOperator.And } and => and.Operands,
            RqlCondition condition => [condition],
            _ => [],
        };
        List<string>? tags = null;
        List<TaskState>? statuses = null;
        foreach (var part in parts)
        {
            switch (part)
            {
                case RqlCondition { Operator: RqlOperator.Eq or RqlOperator.In, Field: "tags", Conditions.Count: 0 } c
                    when tags is null && c.Values.Count is > 0 and <= MaxTags && !c.Values.Any(v => v.IsNull):
                    tags = RqlConvert.ToDistinctTexts(c);
                    break;
                case RqlCondition { Operator: RqlOperator.Eq or RqlOperator.In, Field: "status", Conditions.Count: 0 } c
                    when statuses is null && c.Values.Count > 0:
                    statuses = [];
                    foreach (var value in c.Values)
                    {
                        if (value.IsNull || !TaskStates.TryParseWire(value.Text, out var state)) return null;
                        statuses.Add(state);
                    }
                    break;
                default:
                    return null;
            }
        }
        return tags is null ? null : new AnyTagCount(tags, statuses?.Distinct().ToList());
    }

    /// <summary>The most tags whose total the counters answer: they count single tags and pairs, not triples.</summary>
    public const int MaxCountedTags = 2;

    public async Task<long> CountAsync(TasksDbContext db, CancellationToken cancellationToken)
    {
        var dialect = SqlDialect.Of(db);
        var sql = Statuses is not null || Tags.Count > MaxCountedTags ? Sql(Tags.Count, Statuses?.Count, dialect)
            : dialect.IsPostgreSql ? PostgreSqlCountersSql(Tags.Count)
            : CountersSql(Tags.Count);
        // Statuses are stored under their C# names (see TasksDbContext).
        object[] parameters = [.. Tags, .. (Statuses ?? []).Select(s => s.ToString())];
        var counts = await db.Database.SqlQueryRaw<long>(sql, parameters).ToListAsync(cancellationToken);
        return counts.Single();
    }

    /// <summary>
    /// On SQLite, one or two tags with no status condition: <c>|A| + |B| − |A ∩ B|</c> from the counters that triggers
    /// keep on TaskTags (see the AnyTagCounts migration). A pair is stored under its tags in SQLite's binary order;
    /// both orders are looked up rather than ordering them here, where .NET's ordinal order of UTF-16 is not
    /// SQLite's order of UTF-8 for every character.
    /// </summary>
    internal static string CountersSql(int tags) => tags == 1
        ? "SELECT COALESCE((SELECT \"Count\" FROM \"TagCounts\" WHERE \"Tag\" = {0}), 0) AS \"Value\""
        : "SELECT COALESCE((SELECT \"Count\" FROM \"TagCounts\" WHERE \"Tag\" = {0}), 0)" +
          " + COALESCE((SELECT \"Count\" FROM \"TagCounts\" WHERE \"Tag\" = {1}), 0)" +
          " - COALESCE((SELECT \"Count\" FROM \"TagPairCounts\" WHERE \"Tag1\" = {0} AND \"Tag2\" = {1}), 0)" +
          " - COALESCE((SELECT \"Count\" FROM \"TagPairCounts\" WHERE \"Tag1\" = {1} AND \"Tag2\" = {0}), 0) AS \"Value\"";

    /// <summary>
    /// On PostgreSQL, the same from the sums of the signed rows its triggers append (see the AnyTagCountDeltas
    /// migration); a pair is stored in byte order, and both orders are summed for the reason given above.
    /// </summary>
    internal static string PostgreSqlCountersSql(int tags) => tags == 1
        ? "SELECT (SELECT COALESCE(SUM(\"Delta\"), 0) FROM \"TagCountDeltas\" WHERE \"Tag\" = {0})::bigint AS \"Value\""
        : "SELECT ((SELECT COALESCE(SUM(\"Delta\"), 0) FROM \"TagCountDeltas\" WHERE \"Tag\" IN ({0}, {1}))" +
          " - (SELECT COALESCE(SUM(\"Delta\"), 0) FROM \"TagPairCountDeltas\"" +
          " WHERE (\"Tag1\" = {0} AND \"Tag2\" = {1}) OR (\"Tag1\" = {1} AND \"Tag2\" = {0})))::bigint AS \"Value\"";

    /// <summary>
    /// The statement for <paramref name="tags"/> tags as parameters {0}…{tags-1}, and when given
    /// <paramref name="statuses"/> statuses as the parameters after them.
    /// </summary>
    internal static string Sql(int tags, int? statuses, SqlDialect? dialect = null)
    {
        var postgreSql = dialect?.IsPostgreSql == true;
        var inStatuses = statuses is { } count
            ? $" AND \"Status\" IN ({string.Join(", ", Enumerable.Range(tags, count).Select(i => $"{{{i}}}"))})"
            : "";
        var sql = new StringBuilder("SELECT (SELECT COUNT(*) FROM \"TaskTags\" WHERE \"Tag\" IN (")
            .AppendJoin(", ", Enumerable.Range(0, tags).Select(i => $"{{{i}}}"))
            .Append($"){inStatuses})");
        for (var i = 1; i < tags; i++)
        {
            if (postgreSql)
            {
                // PostgreSQL has no merge for INTERSECT: it sorts both sides (to disk past work_mem, seconds at 200,000
                // rows). The overlap is counted instead as the rows of Ti whose task has an earlier tag, a semi-join on
                // the task id that the planner runs as a hash join or as lookups in the (TaskId, Tag) key. The status
                // condition is on Ti only: a task's tag rows all carry its status.
                sql.Append($" - (SELECT COUNT(*) FROM \"TaskTags\" WHERE \"Tag\" = {{{i}}}{inStatuses} AND EXISTS (SELECT 1 FROM \"TaskTags\" AS \"Earlier\" " +
                           "WHERE \"Earlier\".\"TaskId\" = \"TaskTags\".\"TaskId\" AND \"Earlier\".\"Tag\" IN (")
                    .AppendJoin(", ", Enumerable.Range(0, i).Select(j => $"{{{j}}}"))
                    .Append(")))");
                continue;
            }
            // (T0 UNION … UNION Ti-1) INTERSECT Ti: SQLite groups compound operators from the left.
            var (columns, from, order) = statuses is null
                ? ("\"TaskId\"", $"\"TaskTags\" INDEXED BY \"{TaskIndexes.TagsByTask}\"", "ORDER BY 1")
                : (QueueSuffix, "\"TaskTags\"", QueueSuffixOrder);
            sql.Append(" - (SELECT COUNT(*) FROM (");
            for (var j = 0; j <= i; j++)
            {
                if (j > 0) sql.Append(j == i ? " INTERSECT " : " UNION ");
                sql.Append($"SELECT {columns} FROM {from} WHERE \"Tag\" = {{{j}}}{inStatuses}");
            }
            sql.Append($" {order}))");
        }
        return sql.Append(" AS \"Value\"").ToString();
    }
}
