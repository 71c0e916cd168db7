using System.Linq.Expressions;

namespace TasksConsole.Core.Rql;

/// <summary>Reads the wire form of an enum value (e.g. <c>TaskStates.TryParseWire</c>).</summary>
public delegate bool RqlWireParser<TEnum>(string text, out TEnum value);

/// <summary>
/// Builds the predicate for a condition on a field that is not a plain column (an indexed side table, a JSON
/// array, an object). It may throw <see cref="RqlErrors.Invalid(RqlNode, string)"/> for operators it does not support.
/// </summary>
public delegate Expression<Func<T, bool>> RqlCustomPredicate<T>(RqlCondition condition);

/// <summary>
/// The queryable fields of <typeparamref name="T"/> under their RQL names, with how each one is compared and
/// sorted. Only fields listed here can be filtered or sorted on; anything else is INVALID_RQL.
/// </summary>
/// <remarks>
/// Nullability follows the property's type: on a nullable field <c>eq(f,null)</c> and <c>excludes(f)</c> match
/// rows without a value and <c>contains(f)</c> rows with one, and <c>ne</c>/<c>out</c> also match rows without a
/// value (as MongoDB's do). On a non-nullable field <c>contains(f)</c> matches every row and <c>excludes(f)</c> none.
/// </remarks>
public sealed class RqlFieldMap<T>
{
    private readonly Dictionary<string, RqlField> _fields = new(StringComparer.Ordinal);
    private readonly List<(string Prefix, RqlField Field)> _prefixed = [];

    /// <summary>The order used when the query has no <c>sort()</c>.</summary>
    public IReadOnlyList<RqlSortKey> DefaultSort { get; private set; } = [];

    /// <summary>A unique field appended (ascending) to every order so that pages neither skip nor repeat rows.</summary>
    public string? TieBreaker { get; private set; }

    public IEnumerable<string> Names => _fields.Keys.Concat(_prefixed.Select(p => p.Field.Name));

    /// <summary>A string column; <c>gt</c>..<c>le</c> compare ordinally (as the database collates), <c>like</c> per <see cref="RqlLike"/>.</summary>
    /// <param name="distinctValues">
    /// Optional: a query of every distinct value the column holds. <c>like</c> then matches these values instead of
    /// every row and keeps the rows whose value is among the matches (<c>IN</c>), which an index on the column
    /// answers as a few ranges; a substring LIKE can use no index and reads every row. Give it only when the
    /// values are few compared with the rows and the query lists each of them at a cost well below a scan.
    /// </param>
    public RqlFieldMap<T> String(
        string name, Expression<Func<T, string?>> property, bool sortable = true, Func<IQueryable<string>>? distinctValues = null) =>
        Add(new RqlScalarField(name, property, RqlScalarKind.String, sortable, DistinctValues: distinctValues));

    /// <summary>
    /// Hands <c>like</c> on the string field <paramref name="name"/> the values already found to match some of its
    /// patterns (keyed by the pattern's text): such a like becomes <c>IN</c> over those values, sent as one parameter,
    /// instead of a subquery of the distinct values. A pattern not in <paramref name="matches"/> keeps the subquery.
    /// </summary>
    public RqlFieldMap<T> WithLikeMatches(string name, IReadOnlyDictionary<string, IReadOnlyList<string>> matches)
    {
        if (!_fields.TryGetValue(name, out var field) || field is not RqlScalarField { Kind: RqlScalarKind.String } scalar)
        {
            throw new ArgumentException($"'{name}' is not a mapped string field.", nameof(name));
        }
        _fields[name] = scalar with { LikeMatches = matches };
        return this;
    }

    /// <summary>An integer column; values must be whole numbers (or strings holding one).</summary>
    public RqlFieldMap<T> Integer(string name, Expression<Func<T, long>> property, bool sortable = true) =>
        Add(new RqlScalarField(name, property, RqlScalarKind.Integer, sortable));

    public RqlFieldMap<T> Integer(string name, Expression<Func<T, long?>> property, bool sortable = true) =>
        Add(new RqlScalarField(name, property, RqlScalarKind.Integer, sortable));

    public RqlFieldMap<T> Integer(string name, Expression<Func<T, int>> property, bool sortable = true) =>
        Add(new RqlScalarField(name, property, RqlScalarKind.Integer, sortable));

    public RqlFieldMap<T> Integer(string name, Expression<Func<T, int?>> property, bool sortable = true) =>
        Add(new RqlScalarField(name, property, RqlScalarKind.Integer, sortable));

    public RqlFieldMap<T> Boolean(string name, Expression<Func<T, bool>> property, bool sortable = true) =>
        Add(new RqlScalarField(name, property, RqlScalarKind.Boolean, sortable));

    public RqlFieldMap<T> Boolean(string name, Expression<Func<T, bool?>> property, bool sortable = true) =>
        Add(new RqlScalarField(name, property, RqlScalarKind.Boolean, sortable));

    /// <summary>An instant; ISO-8601 strings and epoch milliseconds are cast to it (see <see cref="RqlConvert.TryToTimestamp"/>).</summary>
    public RqlFieldMap<T> Timestamp(string name, Expression<Func<T, DateTimeOffset>> property, bool sortable = true) =>
        Add(new RqlScalarField(name, property, RqlScalarKind.Timestamp, sortable));

    public RqlFieldMap<T> Timestamp(string name, Expression<Func<T, DateTimeOffset?>> property, bool sortable = true) =>
        Add(new RqlScalarField(name, property, RqlScalarKind.Timestamp, sortable));

    /// <summary>
    /// An enum compared by its wire names. It has no order, so <c>gt</c>..<c>le</c> are rejected; <c>like</c>
    /// matches the wire names in memory and becomes an <c>IN</c> of the matching members. Sorting follows the
    /// stored representation.
    /// </summary>
    public RqlFieldMap<T> Enum<TEnum>(
        string name,
        Expression<Func<T, TEnum>> property,
        RqlWireParser<TEnum> parse,
        Func<TEnum, string> toWire,
        bool sortable = true)
        where TEnum : struct, Enum
    {
        var members = System.Enum.GetValues<TEnum>().Select(v => (Value: (object)v, Wire: toWire(v))).ToList();
        object? Parse(string text) => parse(text, out var value) ? value : null;
        return Add(new RqlScalarField(name, property, RqlScalarKind.Enum, sortable, Parse, members));
    }

    /// <summary>A field whose conditions <paramref name="predicate"/> builds; it cannot be sorted on.</summary>
    public RqlFieldMap<T> Custom(string name, RqlCustomPredicate<T> predicate) => Add(new RqlCustomField<T>(name, predicate));

    /// <summary>
    /// Every field whose name starts with <paramref name="prefix"/> (<c>data.</c> for paths inside a JSON document):
    /// <paramref name="predicate"/> reads the rest of the name from the condition's field. It cannot be sorted on.
    /// </summary>
    public RqlFieldMap<T> Prefixed(string prefix, RqlCustomPredicate<T> predicate)
    {
        _prefixed.Add((prefix, new RqlCustomField<T>(prefix + "<path>", predicate)));
        return this;
    }

    public RqlFieldMap<T> WithDefaultSort(params RqlSortKey[] keys)
    {
        foreach (var key in keys) RequireSortable(key.Field);
        DefaultSort = keys;
        return this;
    }

    public RqlFieldMap<T> WithTieBreaker(string field)
    {
        RequireSortable(field);
        TieBreaker = field;
        return this;
    }

    internal bool TryGet(string name, out RqlField field)
    {
        if (_fields.TryGetValue(name, out field!)) return true;
        foreach (var (prefix, prefixed) in _prefixed)
        {
            if (name.Length > prefix.Length && name.StartsWith(prefix, StringComparison.Ordinal))
            {
                field = prefixed;
                return true;
            }
        }
        return false;
    }

    private RqlFieldMap<T> Add(RqlField field)
    {
        if (!_fields.TryAdd(field.Name, field)) throw new ArgumentException($"The field '{field.Name}' is mapped twice.");
        return this;
    }

    private void RequireSortable(string field)
    {
        if (!_fields.TryGetValue(field, out var mapped) || mapped is not RqlScalarField { Sortable: true })
        {
            throw new ArgumentException($"'{field}' is not a sortable field of this map.");
        }
    }
}

internal abstract record RqlField(string Name);

internal enum RqlScalarKind
{
    String,
    Integer,
    Boolean,
    Timestamp,
    Enum,
}

/// <summary>A column read through <see cref="Selector"/>; the translator casts values by <see cref="Kind"/>.</summary>
internal sealed record RqlScalarField(
    string Name,
    LambdaExpression Selector,
    RqlScalarKind Kind,
    bool Sortable,
    Func<string, object?>? ParseEnum = null,
    IReadOnlyList<(object Value, string Wire)>? EnumMembers = null,
    Func<IQueryable<string>>? DistinctValues = null,
    IReadOnlyDictionary<string, IReadOnlyList<string>>? LikeMatches = null) : RqlField(Name)
{
    public bool Ordered => Kind is RqlScalarKind.String or RqlScalarKind.Integer or RqlScalarKind.Timestamp;
}

internal sealed record RqlCustomField<T>(string Name, RqlCustomPredicate<T> Predicate) : RqlField(Name);
