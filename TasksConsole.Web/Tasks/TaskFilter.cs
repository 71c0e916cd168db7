using System.Globalization;
using System.Text;
using TasksConsole.Core.Common;
using TasksConsole.Core.Rql;
using TasksConsole.Core.Tasks;

namespace TasksConsole.Web.Tasks;

/// <summary>
/// What the tasks page filters on. It renders as the EXH RQL a REST client would send (<see cref="ToRql"/>), and
/// as the console's own query string (<see cref="ToQueryString"/>), so that a view can be bookmarked and shared.
/// </summary>
/// <remarks>
/// Time bounds are instants: <c>From</c> is inclusive (<c>ge</c>), <c>To</c> exclusive (<c>lt</c>), so adjacent
/// ranges neither overlap nor leave a gap. Two filters are equal when they render the same query string: the
/// lists are values, and an empty text is the same as no text.
/// </remarks>
public sealed record TaskFilter
{
    public static TaskFilter Empty { get; } = new();

    public IReadOnlyList<TaskState> Statuses { get; init; } = [];
    public string? FunctionName { get; init; }

    /// <summary>Tasks with at least one of these tags.</summary>
    public IReadOnlyList<string> AnyTags { get; init; } = [];

    /// <summary>Tasks with every one of these tags.</summary>
    public IReadOnlyList<string> AllTags { get; init; } = [];

    public DateTimeOffset? CreatedFrom { get; init; }
    public DateTimeOffset? CreatedTo { get; init; }
    public DateTimeOffset? StartFrom { get; init; }
    public DateTimeOffset? StartTo { get; init; }
    public string? Id { get; init; }

    /// <summary>A condition on a value inside the task's data; applied only once complete.</summary>
    public TaskDataFilter? Data { get; init; }

    /// <summary>Text the error's name or message contains.</summary>
    public string? ErrorText { get; init; }

    public bool IsEmpty => ToQueryString().Length == 0;

    /// <summary>
    /// Whether a new task's match can only be told by the store: the change feed carries neither start times nor
    /// data.
    /// </summary>
    public bool OnlyTheStoreCanJudge => StartFrom is not null || StartTo is not null || AppliedData is not null;

    /// <summary>Whether the filter searches inside tasks (data or error text), which a large store needs a window for.</summary>
    public bool SearchesInside => AppliedData is not null || NormalError is not null;

    private IEnumerable<TaskState> NormalStatuses => Statuses.Distinct().Order();
    private string? NormalFunction => string.IsNullOrWhiteSpace(FunctionName) ? null : FunctionName.Trim();
    private string? NormalId => string.IsNullOrWhiteSpace(Id) ? null : Id.Trim();
    private IEnumerable<string> NormalAny => AnyTags.Where(t => t.Length > 0).Distinct(StringComparer.Ordinal);
    private IEnumerable<string> NormalAll => AllTags.Where(t => t.Length > 0).Distinct(StringComparer.Ordinal);
    private TaskDataFilter? AppliedData => Data is { IsComplete: true } data ? data with { Path = data.Path.Trim() } : null;
    private string? NormalError => string.IsNullOrWhiteSpace(ErrorText) ? null : ErrorText.Trim();

    /// <summary>
    /// The filter as EXH RQL conditions joined by <c>&amp;</c> (empty when nothing is filtered), values encoded as the
    /// EXH SDK's rqlBuilder encodes them, so it can follow <c>GET /tasks/v1/?</c> as it is.
    /// </summary>
    public string ToRql() => string.Join('&', Conditions());

    /// <summary>The filter as a parsed RQL tree, null when nothing is filtered.</summary>
    public RqlNode? ToRqlNode() => RqlParser.Parse(ToRql()).Filter;

    private IEnumerable<string> Conditions()
    {
        var statuses = NormalStatuses.Select(s => s.ToWire()).ToList();
        if (statuses.Count == 1) yield return $"eq(status,{EncodeValue(statuses[0])})";
        else if (statuses.Count > 1) yield return $"in(status,{string.Join(',', statuses.Select(EncodeValue))})";

        if (NormalFunction is { } function) yield return $"eq(functionName,{EncodeValue(function)})";

        var any = NormalAny.ToList();
        if (any.Count > 0) yield return $"in(tags,{string.Join(',', any.Select(EncodeValue))})";
        foreach (var tag in NormalAll) yield return $"eq(tags,{EncodeValue(tag)})";

        if (CreatedFrom is { } createdFrom) yield return $"ge(creationTimestamp,{EncodeValue(FormatInstant(createdFrom))})";
        if (CreatedTo is { } createdTo) yield return $"lt(creationTimestamp,{EncodeValue(FormatInstant(createdTo))})";
        if (StartFrom is { } startFrom) yield return $"ge(startTimestamp,{EncodeValue(FormatInstant(startFrom))})";
        if (StartTo is { } startTo) yield return $"lt(startTimestamp,{EncodeValue(FormatInstant(startTo))})";

        if (NormalId is { } id) yield return $"eq(id,{EncodeValue(id)})";

        if (AppliedData is { } data) yield return data.ToRql();
        if (NormalError is { } error) yield return $"or(like(error.name,{EncodeValue(error)}),like(error.message,{EncodeValue(error)}))";
    }

    /// <summary>
    /// Encodes an RQL value as the EXH SDK (8.x) does: <c>encodeURIComponent</c> twice, escaping
    /// <c>- _ . ! ~ * ' ( )</c> as well, i.e. every byte of the UTF-8 text but ASCII letters and digits.
    /// </summary>
    /// <remarks>
    /// One exception: the words <c>null</c> and <c>undefined</c> get a <c>string:</c> prefix. The SDK sends them
    /// bare, and RQL's auto-typing then reads them as null, so a tag or function literally named "null" could
    /// never be found.
    /// </remarks>
    public static string EncodeValue(string value)
    {
        var encoded = PercentEncode(PercentEncode(value));
        return value is "null" or "undefined" ? "string:" + encoded : encoded;
    }

    private static string PercentEncode(string value)
    {
        var builder = new StringBuilder(value.Length * 3);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (char.IsAsciiLetterOrDigit((char)b)) builder.Append((char)b);
            else builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return builder.ToString();
    }

    public static string FormatInstant(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// The console's query string, without the '?': <c>status=new,failed&amp;fn=echo&amp;any=a,b&amp;all=c&amp;createdFrom=…</c>.
    /// List items are escaped one by one and joined with a literal comma, so a tag may itself contain a comma.
    /// </summary>
    public string ToQueryString()
    {
        var parts = new List<string>();
        var statuses = NormalStatuses.Select(s => s.ToWire()).ToList();
        if (statuses.Count > 0) parts.Add("status=" + string.Join(',', statuses));
        if (NormalFunction is { } function) parts.Add("fn=" + Escape(function));
        var any = NormalAny.ToList();
        if (any.Count > 0) parts.Add("any=" + string.Join(',', any.Select(Escape)));
        var all = NormalAll.ToList();
        if (all.Count > 0) parts.Add("all=" + string.Join(',', all.Select(Escape)));
        AddInstant("createdFrom", CreatedFrom);
        AddInstant("createdTo", CreatedTo);
        AddInstant("startFrom", StartFrom);
        AddInstant("startTo", StartTo);
        if (NormalId is { } id) parts.Add("id=" + Escape(id));
        if (AppliedData is { } data)
        {
            parts.Add("data=" + Escape(data.Path));
            if (data.Operator != TaskDataOperator.Eq) parts.Add("dataOp=" + data.Operator.ToRql());
            if (data.Operator.TakesValue()) parts.Add("dataValue=" + Escape(data.Value ?? ""));
        }
        if (NormalError is { } error) parts.Add("error=" + Escape(error));
        return string.Join('&', parts);

        void AddInstant(string key, DateTimeOffset? value)
        {
            // A colon is legal in a query; leaving it unescaped keeps the URL readable.
            if (value is { } instant) parts.Add($"{key}={Escape(FormatInstant(instant)).Replace("%3A", ":", StringComparison.Ordinal)}");
        }
    }

    /// <summary>
    /// Reads <see cref="ToQueryString"/>'s format (with or without the '?'). Unknown keys and values that do not
    /// parse are ignored rather than failing the page: a hand-edited or outdated link still opens.
    /// </summary>
    public static TaskFilter FromQueryString(string? query)
    {
        var filter = Empty;
        if (string.IsNullOrEmpty(query)) return filter;
        if (query[0] == '?') query = query[1..];
        string? dataPath = null, dataValue = null;
        var dataOperator = TaskDataOperator.Eq;

        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=');
            if (equals <= 0) continue;
            var key = pair[..equals];
            var raw = pair[(equals + 1)..];
            switch (key)
            {
                case "status":
                    filter = filter with
                    {
                        Statuses = List(raw).Select(s => TaskStates.TryParseWire(s, out var state) ? state : (TaskState?)null)
                            .OfType<TaskState>().ToList(),
                    };
                    break;
                case "fn":
                    filter = filter with { FunctionName = Unescape(raw) };
                    break;
                case "any":
                    filter = filter with { AnyTags = List(raw) };
                    break;
                case "all":
                    filter = filter with { AllTags = List(raw) };
                    break;
                case "createdFrom":
                    filter = filter with { CreatedFrom = Instant(raw) };
                    break;
                case "createdTo":
                    filter = filter with { CreatedTo = Instant(raw) };
                    break;
                case "startFrom":
                    filter = filter with { StartFrom = Instant(raw) };
                    break;
                case "startTo":
                    filter = filter with { StartTo = Instant(raw) };
                    break;
                case "id":
                    filter = filter with { Id = Unescape(raw) };
                    break;
                case "data":
                    dataPath = Unescape(raw);
                    break;
                case "dataOp":
                    dataOperator = TaskDataOperators.TryParse(Unescape(raw), out var op) ? op : dataOperator;
                    break;
                case "dataValue":
                    dataValue = Unescape(raw);
                    break;
                case "error":
                    filter = filter with { ErrorText = Unescape(raw) };
                    break;
            }
        }
        if (dataPath is not null) filter = filter with { Data = new TaskDataFilter(dataPath, dataOperator, dataValue) };
        return filter;

        static List<string> List(string raw) =>
            raw.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Unescape).Where(v => v.Length > 0).ToList();

        static DateTimeOffset? Instant(string raw) => InstantParser.TryParse(Unescape(raw), out var instant) ? instant : null;
    }

    private static string Escape(string value) => Uri.EscapeDataString(value);

    // '+' is a space in form encoding, which hand-made links use; Escape never produces a bare '+'.
    private static string Unescape(string value) => Uri.UnescapeDataString(value.Replace('+', ' '));

    /// <summary>
    /// Whether a newly created task could be in this filter, judged from its change alone. The start bounds and
    /// data cannot be judged (see <see cref="OnlyTheStoreCanJudge"/>): they are ignored here.
    /// </summary>
    public bool CouldMatch(TaskChange change)
    {
        // A task is created without an error.
        if (NormalError is not null && change.Kind == TaskChangeKind.Created) return false;
        var statuses = Statuses.Count > 0;
        if (statuses && !Statuses.Contains(change.Status)) return false;
        if (NormalFunction is { } function && !string.Equals(function, change.FunctionName, StringComparison.Ordinal)) return false;
        if (NormalId is { } id && !string.Equals(id, change.TaskId, StringComparison.Ordinal)) return false;
        var any = NormalAny.ToList();
        if (any.Count > 0 && !any.Any(change.Tags.Contains)) return false;
        if (!NormalAll.All(change.Tags.Contains)) return false;
        if (change.Kind == TaskChangeKind.Created)
        {
            if (CreatedFrom is { } from && change.Timestamp < from) return false;
            if (CreatedTo is { } to && change.Timestamp >= to) return false;
        }
        return true;
    }

    public bool Equals(TaskFilter? other) =>
        other is not null && string.Equals(ToQueryString(), other.ToQueryString(), StringComparison.Ordinal);

    public override int GetHashCode() => ToQueryString().GetHashCode(StringComparison.Ordinal);
}

/// <summary>The grid's sort and page plus a filter, as one RQL query string.</summary>
public static class TaskListQuery
{
    /// <summary>Newest first: what an operator looks for first, and where live additions appear.</summary>
    public static readonly RqlSortKey DefaultSort = new("creationTimestamp", Descending: true);

    public static string Build(TaskFilter filter, RqlSortKey? sort = null, int? limit = null, int? offset = null)
    {
        var parts = new List<string>();
        var conditions = filter.ToRql();
        if (conditions.Length > 0) parts.Add(conditions);
        parts.Add($"sort({sort ?? DefaultSort})");
        if (limit is { } count) parts.Add(offset is { } skip ? $"limit({count},{skip})" : $"limit({count})");
        return string.Join('&', parts);
    }
}
