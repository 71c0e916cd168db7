using TasksConsole.Core.Tasks.Search;

namespace TasksConsole.Web.Tasks;

/// <summary>
/// The tasks page's "inside data" condition: a path in the task's data, an operator and a value, rendered as the RQL
/// a REST client sends (<c>eq(data.order.id,A-17)</c>). See <see cref="TaskDataConditions"/> for what each operator
/// matches.
/// </summary>
/// <param name="Path">The path without the <c>data.</c> prefix: <c>order.id</c>, <c>items.0.sku</c>.</param>
public sealed record TaskDataFilter(string Path, TaskDataOperator Operator, string? Value)
{
    public static IReadOnlyList<TaskDataOperator> Operators { get; } = Enum.GetValues<TaskDataOperator>();

    /// <summary>Whether the path is one RQL accepts; null when it is, else why not.</summary>
    public static string? PathError(string? path) =>
        string.IsNullOrWhiteSpace(path) || TaskDataPath.TryParse(TaskDataPath.Prefix + path.Trim(), out _)
            ? null
            : "Names of letters, digits, '_' or '-' joined by '.', e.g. order.id or items.0.sku";

    /// <summary>Whether it can be applied: a valid path, and a value unless the operator takes none.</summary>
    public bool IsComplete => PathError(Path) is null && !string.IsNullOrWhiteSpace(Path) && (!Operator.TakesValue() || !string.IsNullOrEmpty(Value));

    public string ToRql()
    {
        var field = TaskDataPath.Prefix + Path.Trim();
        return Operator switch
        {
            TaskDataOperator.Exists => $"contains({field})",
            TaskDataOperator.Missing => $"excludes({field})",
            _ => $"{Operator.ToRql()}({field},{TaskFilter.EncodeValue(Value ?? "")})",
        };
    }
}

/// <summary>The operators the console offers on a data path; their wire names are the query string's <c>dataOp</c>.</summary>
public enum TaskDataOperator
{
    Eq,
    Ne,
    Like,
    Gt,
    Ge,
    Lt,
    Le,
    Exists,
    Missing,
}

public static class TaskDataOperators
{
    public static bool TakesValue(this TaskDataOperator op) => op is not (TaskDataOperator.Exists or TaskDataOperator.Missing);

    /// <summary>The RQL operator, which is also the query string's word for it (exists and missing are the console's own).</summary>
    public static string ToRql(this TaskDataOperator op) => op switch
    {
        TaskDataOperator.Exists => "exists",
        TaskDataOperator.Missing => "missing",
        _ => op.ToString().ToLowerInvariant(),
    };

    public static bool TryParse(string text, out TaskDataOperator op)
    {
        foreach (var candidate in TaskDataFilter.Operators)
        {
            if (string.Equals(candidate.ToRql(), text, StringComparison.Ordinal))
            {
                op = candidate;
                return true;
            }
        }
        op = default;
        return false;
    }

    public static string Label(this TaskDataOperator op) => op switch
    {
        TaskDataOperator.Eq => "equals",
        TaskDataOperator.Ne => "does not equal",
        TaskDataOperator.Like => "contains text",
        TaskDataOperator.Gt => "greater than",
        TaskDataOperator.Ge => "at least",
        TaskDataOperator.Lt => "less than",
        TaskDataOperator.Le => "at most",
        TaskDataOperator.Exists => "exists",
        TaskDataOperator.Missing => "is missing",
        _ => op.ToString(),
    };
}
