using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TasksConsole.Core.Data;
using TasksConsole.Core.Rql;
using TasksConsole.Core.Tasks.Search;

namespace TasksConsole.Core.Tasks;

/// <summary>A page of tasks with the paging values actually applied, which the SDK's pager depends on.</summary>
public sealed record TaskPage(IReadOnlyList<TaskRecord> Tasks, long? Total, int Offset, int Limit);

/// <summary>RQL over the task store, translated to SQL (never filtered in memory).</summary>
/// <remarks>A search inside tasks (data, error text) must fit <see cref="TaskSearchOptions.MaxScannedTasks"/>: see <see cref="TaskSearchWindow"/>.</remarks>
public sealed class TaskQueries(IDbContextFactory<TasksDbContext> dbFactory, IOptions<TaskSearchOptions>? searchOptions = null)
{
    private readonly TaskSearchOptions _options = searchOptions?.Value ?? new TaskSearchOptions();

    public const int DefaultLimit = 20;
    public const int MaxLimit = 50;

    public Task<TaskPage> FindAsync(RqlQuery query, CancellationToken cancellationToken = default, int maxLimit = MaxLimit) =>
        FindAsync(query, useShortcuts: true, maxLimit, cancellationToken);

    /// <summary>
    /// <paramref name="useShortcuts"/> off forces the general translation (no tag-index plans, no prefix walk), so
    /// tests can hold the two to the same answers.
    /// </summary>
    internal async Task<TaskPage> FindAsync(RqlQuery query, bool useShortcuts, int maxLimit, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await QueryBudget.RunAsync(db, _options.QueryTimeBudget, budget => FindAsync(db, query, useShortcuts, maxLimit, budget), cancellationToken);
    }

    private async Task<TaskPage> FindAsync(TasksDbContext db, RqlQuery query, bool useShortcuts, int maxLimit, CancellationToken cancellationToken)
    {
        await TaskSearchWindow.EnsureAnswerableAsync(db, query.Filter, _options.MaxScannedTasks, cancellationToken);
        var fields = useShortcuts ? await TaskRqlFields.ForAsync(db, query.Filter, cancellationToken) : TaskRqlFields.For(db);
        var limit = query.EffectiveLimit(DefaultLimit, maxLimit);
        var offset = query.Offset ?? 0;

        var plan = useShortcuts ? TagQueuePlan.TryCreate(query.Filter) : null;

        var tasks = plan is not null && plan.CanPage(query.Sort)
            ? await plan.PageAsync(db, offset, limit, cancellationToken)
            : useShortcuts ? (await PrefixWalk.PageAsync(db, query, fields, offset, limit, cancellationToken)).Page
            : await db.Tasks.AsNoTracking().ApplyQuery(query, fields).Skip(offset).Take(limit).ToListAsync(cancellationToken);
        long? total = query.SkipCount ? null : await CountAsync(db, query.Filter, fields, useShortcuts, cancellationToken);
        return new TaskPage(tasks, total, offset, limit);
    }

    /// <summary>How many tasks match a filter (the console's bulk actions state the count before acting).</summary>
    public async Task<long> CountAsync(RqlNode? filter, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await QueryBudget.RunAsync(db, _options.QueryTimeBudget, async budget =>
        {
            await TaskSearchWindow.EnsureAnswerableAsync(db, filter, _options.MaxScannedTasks, budget);
            return await CountAsync(db, filter, await TaskRqlFields.ForAsync(db, filter, budget), useShortcuts: true, budget);
        }, cancellationToken);
    }

    /// <summary>
    /// Whether <paramref name="filter"/> searches inside tasks over a creation window too large to search (it would be
    /// refused); the console then searches <see cref="TaskSearchWindow.DefaultWindow"/> back instead, and says so.
    /// </summary>
    public async Task<bool> NeedsNarrowerWindowAsync(RqlNode? filter, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await TaskSearchWindow.NeedsNarrowerWindowAsync(db, filter, _options.MaxScannedTasks, cancellationToken);
    }

    private static async Task<long> CountAsync(
        TasksDbContext db, RqlNode? filter, RqlFieldMap<TaskRecord> fields, bool useShortcuts, CancellationToken cancellationToken)
    {
        if (useShortcuts && TagQueuePlan.TryCreate(filter) is { } queue) return await queue.CountAsync(db, cancellationToken);
        if (useShortcuts && AnyTagCount.TryCreate(filter) is { } anyTag) return await anyTag.CountAsync(db, cancellationToken);
        return await db.Tasks.ApplyFilter(filter, fields).LongCountAsync(cancellationToken);
    }
}
