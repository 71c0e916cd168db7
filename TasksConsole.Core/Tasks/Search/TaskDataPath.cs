using System.Diagnostics.CodeAnalysis;

namespace TasksConsole.Core.Tasks.Search;

/// <summary>
/// A path to a value inside a task's data, as RQL names it: <c>data.</c> then names joined by dots
/// (<c>data.order.customer.id</c>); a name of digits indexes an array (<c>data.items.0.sku</c>).
/// </summary>
public sealed class TaskDataPath
{
    public const string Prefix = "data.";
    public const int MaxDepth = 16;
    public const int MaxNameLength = 128;

    public const string Syntax =
        $"A data path is 'data.' followed by 1 to 16 names of letters, digits, '_' or '-' joined by '.', " +
        "for example data.order.id; a name of digits indexes an array (data.items.0.sku).";

    private TaskDataPath(IReadOnlyList<string> names) => Names = names;

    public IReadOnlyList<string> Names { get; }

    public static bool TryParse(string field, [NotNullWhen(true)] out TaskDataPath? path)
    {
        path = null;
        if (!field.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        var names = field[Prefix.Length..].Split('.');
        if (names.Length > MaxDepth || !names.All(IsName)) return false;
        path = new TaskDataPath(names);
        return true;
    }

    private static bool IsName(string name) =>
        name.Length is > 0 and <= MaxNameLength && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');

    private static bool IsIndex(string name) => name.All(char.IsAsciiDigit);

    /// <summary>
    /// The path in the store's own syntax: SQLite's JSON path (<c>$."order"."id"</c>, <c>$."items"[0]</c>) or a
    /// PostgreSQL text array (<c>{order,id}</c>, whose elements index arrays and name keys alike). Names are
    /// restricted to characters neither syntax treats specially, so nothing here needs escaping.
    /// </summary>
    public string ToStorePath(bool postgreSql) => postgreSql
        ? "{" + string.Join(',', Names) + "}"
        : "$" + string.Concat(Names.Select(n => IsIndex(n) ? $"[{n}]" : $".\"{n}\""));

    public override string ToString() => Prefix + string.Join('.', Names);
}
