using TasksConsole.Core.Common;
using TasksConsole.Core.Rql;

namespace TasksConsole.Core.Tasks;

/// <summary>
/// The RQL accepted on log endpoints: EXH documents only <c>ge(timestamp,…)</c> there, so that and <c>limit</c> are
/// all we take; anything else is refused rather than silently ignored.
/// </summary>
public sealed record LogQuery(DateTimeOffset? Since, int Limit)
{
    public const int DefaultLimit = 1000;
    public const int MaxLimit = 10000;

    public static LogQuery Parse(string? rawQuery)
    {
        var query = RqlParser.Parse(rawQuery);
        if (query.Sort.Count > 0 || query.Select is not null)
        {
            throw Invalid("sort() and select() are not supported on logs.");
        }
        var since = query.Filter switch
        {
            null => (DateTimeOffset?)null,
            RqlCondition { Operator: RqlOperator.Ge, Field: "timestamp" } condition => ReadInstant(condition.Value),
            _ => throw Invalid("Logs accept only ge(timestamp,<ISO date>) and limit(n)."),
        };
        return new LogQuery(since, query.EffectiveLimit(DefaultLimit, MaxLimit));
    }

    private static DateTimeOffset ReadInstant(RqlValue value) => value.Value switch
    {
        DateTimeOffset instant => instant,
        long epochMilliseconds => DateTimeOffset.FromUnixTimeMilliseconds(epochMilliseconds),
        string text when InstantParser.TryParse(text, out var instant) => instant,
        _ => throw Invalid($"'{value.Text}' is not a date: use an ISO-8601 date-time."),
    };

    private static ServiceException Invalid(string message) => new(ErrorCode.InvalidRql, message);
}
