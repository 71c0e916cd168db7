using System.Globalization;
using TasksConsole.Core.Audit;
using TasksConsole.Core.Rql;

namespace TasksConsole.Web.Audit;

/// <summary>The audit page's filters, as they are in its address and as the RQL they stand for.</summary>
public sealed record AuditPageQuery(string? Action, string? Actor, string? Target, string? Since)
{
    public const int PageSize = 50;

    public static IReadOnlyList<string> Actions { get; } = typeof(AuditActions).GetFields()
        .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).Order(StringComparer.Ordinal).ToList();

    /// <summary>The time windows offered, by their value in the address; none is "any time".</summary>
    public static IReadOnlyList<(string Value, string Label)> Windows { get; } =
    [
        ("", "Any time"),
        ("1h", "Last hour"),
        ("24h", "Last 24 hours"),
        ("7d", "Last 7 days"),
        ("30d", "Last 30 days"),
    ];

    public string? Action { get; } = Blank(Action);
    public string? Actor { get; } = Blank(Actor);
    public string? Target { get; } = Blank(Target);
    public string? Since { get; } = Windows.Any(w => w.Value == Since && Since.Length > 0) ? Since : null;

    public RqlNode? ToFilter(DateTimeOffset now)
    {
        var conditions = new List<RqlNode>();
        if (Action is { } action) conditions.Add(new RqlCondition(RqlOperator.Eq, "action", RqlValue.String(action)));
        if (Actor is { } actor) conditions.Add(new RqlCondition(RqlOperator.Like, "actorName", RqlValue.String(actor)));
        if (Target is { } target) conditions.Add(new RqlCondition(RqlOperator.Eq, "targetId", RqlValue.String(target)));
        if (WindowStart(now) is { } start)
        {
            conditions.Add(new RqlCondition(RqlOperator.Ge, "timestamp",
                new RqlValue(start, start.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture))));
        }
        return conditions.Count switch
        {
            0 => null,
            1 => conditions[0],
            _ => new RqlLogical(RqlOperator.And, conditions),
        };
    }

    /// <summary>The filter as an RQL query string (empty for none), for the export link.</summary>
    public string ToRql(DateTimeOffset now) => ToFilter(now)?.ToString() ?? "";

    public string ToUrl(int offset)
    {
        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (value is not null) parts.Add($"{name}={Uri.EscapeDataString(value)}");
        }
        Add("action", Action);
        Add("actor", Actor);
        Add("target", Target);
        Add("since", Since);
        if (offset > 0) parts.Add($"offset={offset}");
        return parts.Count == 0 ? "/admin/audit" : "/admin/audit?" + string.Join('&', parts);
    }

    private DateTimeOffset? WindowStart(DateTimeOffset now) => Since switch
    {
        "1h" => now.AddHours(-1),
        "24h" => now.AddDays(-1),
        "7d" => now.AddDays(-7),
        "30d" => now.AddDays(-30),
        _ => null,
    };

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
