using System.Globalization;

namespace TasksConsole.Core.Rql;

/// <summary>The operators a filter may use. <c>limit</c>, <c>sort</c>, <c>select</c> and <c>skipCount</c> are not
/// filters and end up on <see cref="RqlQuery"/> instead.</summary>
public enum RqlOperator
{
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
    In,
    Out,
    Like,
    Contains,
    Excludes,
    And,
    Or,
}

public static class RqlOperators
{
    public static string ToRql(this RqlOperator op) => op switch
    {
        RqlOperator.Eq => "eq",
        RqlOperator.Ne => "ne",
        RqlOperator.Gt => "gt",
        RqlOperator.Ge => "ge",
        RqlOperator.Lt => "lt",
        RqlOperator.Le => "le",
        RqlOperator.In => "in",
        RqlOperator.Out => "out",
        RqlOperator.Like => "like",
        RqlOperator.Contains => "contains",
        RqlOperator.Excludes => "excludes",
        RqlOperator.And => "and",
        RqlOperator.Or => "or",
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
    };

    public static bool TryParse(string name, out RqlOperator op)
    {
        foreach (var candidate in Enum.GetValues<RqlOperator>())
        {
            if (string.Equals(candidate.ToRql(), name, StringComparison.Ordinal))
            {
                op = candidate;
                return true;
            }
        }
        op = default;
        return false;
    }
}

/// <summary>A node of a filter tree. <see cref="Position"/> is the 1-based offset in the once-decoded query, for
/// error messages that point at the culprit.</summary>
public abstract record RqlNode(int Position)
{
    /// <summary>Renders the node as canonical RQL that <see cref="RqlParser.Parse"/> reads back to an equal tree.</summary>
    public abstract override string ToString();
}

/// <summary><c>and(...)</c> or <c>or(...)</c>, including the implicit <c>and</c> of top-level <c>&amp;</c>.</summary>
public sealed record RqlLogical(RqlOperator Operator, IReadOnlyList<RqlNode> Operands, int Position = 0) : RqlNode(Position)
{
    public override string ToString() => $"{Operator.ToRql()}({string.Join(',', Operands)})";

    // Records compare lists by reference; a filter is a value, so compare the operands themselves.
    public bool Equals(RqlLogical? other) =>
        other is not null && Operator == other.Operator && Operands.SequenceEqual(other.Operands);

    public override int GetHashCode() => HashCode.Combine(Operator, Operands.Count);
}

/// <summary>
/// A condition on one field: <c>op(field, values...)</c>. Comparisons and <c>like</c> carry one value, <c>in</c>
/// and <c>out</c> one or more, <c>contains</c>/<c>excludes</c> none; the latter two carry
/// <see cref="Conditions"/> in their array-of-objects form.
/// </summary>
public sealed record RqlCondition(
    RqlOperator Operator,
    string Field,
    IReadOnlyList<RqlValue> Values,
    IReadOnlyList<RqlNode> Conditions,
    int Position = 0) : RqlNode(Position)
{
    public RqlCondition(RqlOperator op, string field, RqlValue value, int position = 0)
        : this(op, field, [value], [], position)
    {
    }

    /// <summary>The single value of a comparison or <c>like</c>.</summary>
    public RqlValue Value => Values.Count == 1
        ? Values[0]
        : throw new InvalidOperationException($"{Operator.ToRql()} has {Values.Count} values, not one.");

    public override string ToString()
    {
        var args = new List<string> { Field };
        args.AddRange(Values.Select(v => v.ToString()));
        args.AddRange(Conditions.Select(c => c.ToString()));
        return $"{Operator.ToRql()}({string.Join(',', args)})";
    }

    public bool Equals(RqlCondition? other) =>
        other is not null
        && Operator == other.Operator
        && Field == other.Field
        && Values.SequenceEqual(other.Values)
        && Conditions.SequenceEqual(other.Conditions);

    public override int GetHashCode() => HashCode.Combine(Operator, Field, Values.Count);
}

/// <summary>
/// A typed RQL value. <see cref="Value"/> is null, a <see cref="string"/>, <see cref="long"/>, <see cref="double"/>,
/// <see cref="bool"/> or <see cref="DateTimeOffset"/>; <see cref="Text"/> is the fully decoded text it came from,
/// which string fields compare against so that <c>eq(functionName,123)</c> still means the name "123".
/// </summary>
public sealed record RqlValue(object? Value, string Text)
{
    public static RqlValue Null { get; } = new(null, "null");

    public static RqlValue String(string text) => new(text, text);

    public bool IsNull => Value is null;

    /// <summary>Canonical RQL for the value, double-encoded like the SDK's builder so it parses back unchanged.</summary>
    public override string ToString() => Value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => RqlValueReader.Auto(d.ToString("R", CultureInfo.InvariantCulture)).Value is double
            ? d.ToString("R", CultureInfo.InvariantCulture)
            : "number:" + DoubleEncode(d.ToString("R", CultureInfo.InvariantCulture)),
        DateTimeOffset instant => "epoch:" + instant.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
        string s when IsPlain(s) && RqlValueReader.Auto(s).Value is string => s,
        string s => "string:" + DoubleEncode(s),
        _ => Text,
    };

    private static bool IsPlain(string s) => s.Length > 0 && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.');

    private static string DoubleEncode(string s)
    {
        // Uri.EscapeDataString leaves only - _ . ~ alone, and none of them is an RQL delimiter.
        return Uri.EscapeDataString(Uri.EscapeDataString(s));
    }
}
