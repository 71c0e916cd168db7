using Microsoft.EntityFrameworkCore;
using TasksConsole.Core.Data;
using TasksConsole.Core.Rql;

namespace TasksConsole.Core.Tasks;

/// <summary>A page of tasks with the paging values actually applied, which the SDK's pager depends on.</summary>
public sealed record TaskPage(IReadOnlyList<TaskRecord> Tasks, long? Total, int Offset, int Limit);

/// <summary>RQL over the task store, translated to SQL (never filtered in memory).</summary>
public sealed class TaskQueries(IDbContextFactory<TasksDbContext> dbFactory)
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 50;

    public Task<TaskPage> FindAsync(RqlQuery query, CancellationToken cancellationToken = default, int maxLimit = MaxLimit) =>
        FindAsync(query, useTagIndex: true, maxLimit, cancellationToken);

    /// <summary><paramref name="useTagIndex"/> off forces the general translation, so tests can hold the two to the same answers.</summary>
    internal async Task<TaskPage> FindAsync(RqlQuery query, bool useTagIndex, int maxLimit, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var fields = TaskRqlFields.For(db);
        var limit = query.EffectiveLimit(DefaultLimit, maxLimit);
        var offset = query.Offset ?? 0;

        var plan = useTagIndex ? TagQueuePlan.TryCreate(query.Filter) : null;

        var tasks = plan is not null && plan.CanPage(query.Sort)
            ? await plan.PageAsync(db, offset, limit, cancellationToken)
            : await db.Tasks.AsNoTracking().ApplyQuery(query, fields).Skip(offset).Take(limit).ToListAsync(cancellationToken);
        long? total = query.SkipCount ? null
            : plan is not null ? await plan.CountAsync(db, cancellationToken)
            : await db.Tasks.ApplyFilter(query.Filter, fields).LongCountAsync(cancellationToken);
        return new TaskPage(tasks, total, offset, limit);
    }

    /// <summary>How many tasks match a filter (the console's bulk actions state the count before acting).</summary>
    public async Task<long> CountAsync(RqlNode? filter, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Tasks.ApplyFilter(filter, TaskRqlFields.For(db)).LongCountAsync(cancellationToken);
    }
}
