using Microsoft.EntityFrameworkCore;

namespace TasksConsole.Core.Rql;

/// <summary>One page of a list answered with RQL, with the paging actually applied and the total unless skipped.</summary>
public sealed record RqlPage<T>(IReadOnlyList<T> Items, long? Total, int Offset, int Limit);

public static class RqlPaging
{
    /// <summary>
    /// The page <paramref name="query"/> asks for (filter, sort, offset, limit clamped to <paramref name="maxLimit"/>),
    /// read untracked, and the count of every row the filter matches unless the query says <c>skipCount()</c>.
    /// </summary>
    public static async Task<RqlPage<T>> PageAsync<T>(
        this IQueryable<T> source, RqlQuery query, RqlFieldMap<T> fields, int defaultLimit, int maxLimit, CancellationToken cancellationToken)
        where T : class
    {
        var limit = query.EffectiveLimit(defaultLimit, maxLimit);
        var offset = query.Offset ?? 0;
        var items = await source.AsNoTracking().ApplyQuery(query, fields).Skip(offset).Take(limit).ToListAsync(cancellationToken);
        long? total = query.SkipCount ? null : await source.ApplyFilter(query.Filter, fields).LongCountAsync(cancellationToken);
        return new RqlPage<T>(items, total, offset, limit);
    }
}
