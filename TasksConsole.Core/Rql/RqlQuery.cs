namespace TasksConsole.Core.Rql;

/// <summary>
/// A parsed RQL query string: the filter plus the top-level instructions (<c>limit</c>, <c>sort</c>,
/// <c>select</c>, <c>skipCount</c>) that shape the page rather than select rows.
/// </summary>
/// <remarks>
/// <see cref="Limit"/> and <see cref="Offset"/> are what the caller asked for, unclamped: the endpoint owns its
/// default and maximum page size and must echo the effective values (the SDK pages on what it gets back).
/// </remarks>
public sealed record RqlQuery
{
    public static RqlQuery Empty { get; } = new();

    /// <summary>The row filter, or null when the query selects every row.</summary>
    public RqlNode? Filter { get; init; }

    public int? Limit { get; init; }
    public int? Offset { get; init; }

    /// <summary>The requested order, empty when the caller gave none (the field map's default then applies).</summary>
    public IReadOnlyList<RqlSortKey> Sort { get; init; } = [];

    /// <summary>The requested projection, null when every field is wanted.</summary>
    public IReadOnlyList<string>? Select { get; init; }

    /// <summary>True when the caller asked not to compute <c>page.total</c>.</summary>
    public bool SkipCount { get; init; }

    /// <summary>The page size to use: the requested limit, or <paramref name="defaultLimit"/>, clamped to <paramref name="maxLimit"/>.</summary>
    public int EffectiveLimit(int defaultLimit, int maxLimit) => Math.Min(Limit ?? defaultLimit, maxLimit);

    public override string ToString()
    {
        var parts = new List<string>();
        if (Filter is not null) parts.Add(Filter.ToString());
        if (Sort.Count > 0) parts.Add($"sort({string.Join(',', Sort)})");
        if (Select is not null) parts.Add($"select({string.Join(',', Select)})");
        if (Limit is not null) parts.Add(Offset is null ? $"limit({Limit})" : $"limit({Limit},{Offset})");
        if (SkipCount) parts.Add("skipCount()");
        return string.Join('&', parts);
    }
}

/// <summary>One key of a <c>sort(...)</c>: <c>-field</c> is descending, <c>field</c> and <c>+field</c> ascending.</summary>
public sealed record RqlSortKey(string Field, bool Descending = false)
{
    public override string ToString() => (Descending ? "-" : "+") + Field;
}
