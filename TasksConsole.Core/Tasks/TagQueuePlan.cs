using Microsoft.EntityFrameworkCore;
using TasksConsole.Core.Data;
using TasksConsole.Core.Rql;

namespace TasksConsole.Core.Tasks;

/// <summary>
/// The console's most common view, "tasks with tag X in status S, in queue order", answered from the TaskTags
/// index alone. The general translation joins every tagged task back to Tasks to check its status, which costs
/// hundreds of milliseconds when a tag is on a large share of a million tasks; here the count is an index range
/// and a page is an index walk. It applies only to filters it can answer exactly: one tag equality plus status
/// equality or membership; everything else takes the general path.
/// </summary>
internal sealed record TagQueuePlan(string Tag, IReadOnlyList<TaskState> Statuses)
{
    private static readonly RqlSortKey[] QueueOrder = [new("priority", Descending: true), new("startTimestamp")];

    public static TagQueuePlan? TryCreate(RqlNode? filter)
    {
        IReadOnlyList<RqlNode> parts = filter switch
        {
            RqlLogical { Operator: RqlOperator.And } and => and.Operands,
            RqlCondition condition => [condition],
            _ => [],
        };
        string? tag = null;
        List<TaskState>? statuses = null;
        foreach (var part in parts)
        {
            switch (part)
            {
                case RqlCondition { Operator: RqlOperator.Eq, Field: "tags", Conditions.Count: 0 } c
                    when tag is null && c.Values.Count == 1 && !c.Value.IsNull:
                    tag = c.Value.Text;
                    break;
                case RqlCondition { Operator: RqlOperator.Eq or RqlOperator.In, Field: "status", Conditions.Count: 0 } c
                    when statuses is null:
                    statuses = [];
                    foreach (var value in c.Values)
                    {
                        if (!TaskStates.TryParseWire(value.Text, out var state)) return null;
                        statuses.Add(state);
                    }
                    break;
                default:
                    return null;
            }
        }
        return tag is null || statuses is null ? null : new TagQueuePlan(tag, statuses);
    }

    /// <summary>Pages in queue order (priority, then start, then id) can come straight from the index when one status is asked for.</summary>
    public bool CanPage(IReadOnlyList<RqlSortKey> sort) => Statuses.Count == 1 && sort.SequenceEqual(QueueOrder);

    public Task<long> CountAsync(TasksDbContext db, CancellationToken cancellationToken) =>
        Matching(db).LongCountAsync(cancellationToken);

    public async Task<List<TaskRecord>> PageAsync(TasksDbContext db, int offset, int limit, CancellationToken cancellationToken)
    {
        var ids = await Matching(db)
            .OrderByDescending(t => t.Priority)
            .ThenBy(t => t.StartTimestamp)
            .ThenBy(t => t.TaskId)
            .Skip(offset)
            .Take(limit)
            .Select(t => t.TaskId)
            .ToListAsync(cancellationToken);
        var tasks = await db.Tasks.AsNoTracking().Where(t => ids.Contains(t.Id)).ToDictionaryAsync(t => t.Id, cancellationToken);
        return ids.Where(tasks.ContainsKey).Select(id => tasks[id]).ToList();
    }

    private IQueryable<TaskTag> Matching(TasksDbContext db)
    {
        var statuses = Statuses;
        return Statuses.Count == 1
            ? db.TaskTags.Where(t => t.Tag == Tag && t.Status == statuses[0])
            : db.TaskTags.Where(t => t.Tag == Tag && statuses.Contains(t.Status));
    }
}
