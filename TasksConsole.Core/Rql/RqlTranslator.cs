using System.Collections;
using System.Linq.Expressions;
using System.Reflection;
using Microsoft.EntityFrameworkCore;

namespace TasksConsole.Core.Rql;

/// <summary>
/// Turns RQL filters and sorts into LINQ expression trees over a <see cref="RqlFieldMap{T}"/>, so EF Core runs
/// them in SQL. Nothing here evaluates rows in memory; a condition that cannot be expressed in SQL is an
/// INVALID_RQL, never a client-side fallback.
/// </summary>
/// <remarks>
/// Values become query parameters (not inlined constants), so one query shape is compiled once by EF whatever
/// the values. <c>and</c>/<c>or</c> with many operands are built as balanced trees, keeping the SQL expression
/// depth logarithmic (SQLite refuses expressions deeper than 1000).
/// </remarks>
public static class RqlTranslator
{
    private static readonly MethodInfo LikeMethod = typeof(DbFunctionsExtensions).GetMethod(
        nameof(DbFunctionsExtensions.Like), [typeof(DbFunctions), typeof(string), typeof(string), typeof(string)])!;

    private static readonly MethodInfo StringCompare = typeof(string).GetMethod(nameof(string.Compare), [typeof(string), typeof(string)])!;

    /// <summary>Filters <paramref name="source"/> by <paramref name="filter"/>; a null filter keeps every row.</summary>
    public static IQueryable<T> ApplyFilter<T>(this IQueryable<T> source, RqlNode? filter, RqlFieldMap<T> fields)
    {
        var predicate = ToPredicate(filter, fields);
        return predicate is null ? source : source.Where(predicate);
    }

    /// <summary>The filter as a predicate EF can translate, or null for no filter.</summary>
    public static Expression<Func<T, bool>>? ToPredicate<T>(RqlNode? filter, RqlFieldMap<T> fields)
    {
        if (filter is null) return null;
        var row = Expression.Parameter(typeof(T), "row");
        return Expression.Lambda<Func<T, bool>>(Translate(filter, fields, row), row);
    }

    /// <summary>
    /// Orders <paramref name="source"/> by <paramref name="sort"/>, or by the map's default sort when it is empty,
    /// then by the map's tie-breaker so that the order is total and paging is stable.
    /// </summary>
    public static IQueryable<T> ApplySort<T>(this IQueryable<T> source, IReadOnlyList<RqlSortKey> sort, RqlFieldMap<T> fields)
    {
        var keys = (sort.Count > 0 ? sort : fields.DefaultSort).ToList();
        if (fields.TieBreaker is { } tieBreaker && keys.All(k => k.Field != tieBreaker))
        {
            // The tie-breaker runs in the direction of the key before it, so that one (key, id) index serves the
            // sort both ways: SQLite walks an index backwards only when every key is reversed.
            keys.Add(new RqlSortKey(tieBreaker, keys.Count > 0 && keys[^1].Descending));
        }

        var expression = source.Expression;
        for (var i = 0; i < keys.Count; i++)
        {
            var key = keys[i];
            if (!fields.TryGet(key.Field, out var field))
            {
                throw RqlErrors.Invalid($"Invalid RQL: cannot sort by unknown field '{key.Field}'. The fields are: {string.Join(", ", fields.Names)}.");
            }
            if (field is not RqlScalarField { Sortable: true } scalar)
            {
                throw RqlErrors.Invalid($"Invalid RQL: cannot sort by '{key.Field}'.");
            }
            var method = (i == 0, key.Descending) switch
            {
                (true, false) => nameof(Queryable.OrderBy),
                (true, true) => nameof(Queryable.OrderByDescending),
                (false, false) => nameof(Queryable.ThenBy),
                (false, true) => nameof(Queryable.ThenByDescending),
            };
            expression = Expression.Call(typeof(Queryable), method, [typeof(T), scalar.Selector.ReturnType],
                expression, Expression.Quote(scalar.Selector));
        }
        return keys.Count == 0 ? source : source.Provider.CreateQuery<T>(expression);
    }

    /// <summary>Filter then sort: everything of <paramref name="query"/> except paging and projection.</summary>
    public static IQueryable<T> ApplyQuery<T>(this IQueryable<T> source, RqlQuery query, RqlFieldMap<T> fields) =>
        source.ApplyFilter(query.Filter, fields).ApplySort(query.Sort, fields);

    private static Expression Translate<T>(RqlNode node, RqlFieldMap<T> fields, ParameterExpression row)
    {
        switch (node)
        {
            case RqlLogical logical:
                var operands = logical.Operands.Select(o => Translate(o, fields, row)).ToList();
                return logical.Operator == RqlOperator.Or
                    ? Balanced(operands, Expression.OrElse, empty: false)
                    : Balanced(operands, Expression.AndAlso, empty: true);
            case RqlCondition condition:
                if (!fields.TryGet(condition.Field, out var field))
                {
                    throw RqlErrors.Invalid(condition, $"Invalid RQL: unknown field '{condition.Field}'; the fields are: {string.Join(", ", fields.Names)}");
                }
                return field switch
                {
                    RqlScalarField scalar => Scalar(scalar, condition, Inline(scalar.Selector, row)),
                    RqlCustomField<T> custom => Inline(custom.Predicate(condition), row),
                    _ => throw new InvalidOperationException($"Unexpected field kind {field.GetType().Name}."),
                };
            default:
                throw new InvalidOperationException($"Unexpected node {node.GetType().Name}.");
        }
    }

    private static Expression Scalar(RqlScalarField field, RqlCondition condition, Expression member)
    {
        switch (condition.Operator)
        {
            case RqlOperator.Eq or RqlOperator.Ne:
                var equal = condition.Value.IsNull
                    ? IsNull(member)
                    : Expression.Equal(member, Parameter(Cast(field, condition, condition.Value, member.Type), member.Type));
                return condition.Operator == RqlOperator.Eq ? equal : Expression.Not(equal);

            case RqlOperator.Gt or RqlOperator.Ge or RqlOperator.Lt or RqlOperator.Le:
                if (!field.Ordered) throw RqlErrors.Invalid(condition, $"Invalid RQL: {field.Name} has no order, so {condition.Operator.ToRql()}() cannot be used on it");
                if (condition.Value.IsNull) throw RqlErrors.Invalid(condition, $"Invalid RQL: {condition.Operator.ToRql()}() cannot compare with null");
                return Compare(condition.Operator, member, Parameter(Cast(field, condition, condition.Value, member.Type), member.Type));

            case RqlOperator.In or RqlOperator.Out:
                var members = condition.Values.Where(v => !v.IsNull).Select(v => Cast(field, condition, v, member.Type)).Distinct().ToList();
                Expression any = members.Count == 0 ? Expression.Constant(false) : ContainedIn(members, member);
                if (condition.Values.Any(v => v.IsNull)) any = Expression.OrElse(any, IsNull(member));
                return condition.Operator == RqlOperator.In ? any : Expression.Not(any);

            case RqlOperator.Like:
                var text = RqlConvert.ToText(condition, condition.Value);
                return field.Kind switch
                {
                    RqlScalarKind.String when field.LikeMatches?.GetValueOrDefault(text) is { } matched =>
                        matched.Count == 0 ? Expression.Constant(false) : ContainedIn([.. matched], member),
                    RqlScalarKind.String when field.DistinctValues is { } values => LikeAmong(values(), member, text),
                    RqlScalarKind.String => Like(member, text),
                    RqlScalarKind.Enum => EnumLike(field, member, text),
                    // The EXH contract: like on a type it does not support matches nothing, it is not an error.
                    _ => Expression.Constant(false),
                };

            case RqlOperator.Contains or RqlOperator.Excludes:
                if (condition.Conditions.Count > 0)
                {
                    throw RqlErrors.Invalid(condition, $"Invalid RQL: {field.Name} is not an array of objects, so {condition.Operator.ToRql()}() takes only the field");
                }
                var isNull = IsNull(member);
                return condition.Operator == RqlOperator.Excludes ? isNull : Expression.Not(isNull);

            default:
                throw RqlErrors.Invalid(condition, $"Invalid RQL: {condition.Operator.ToRql()}() cannot be used on {field.Name}");
        }
    }

    /// <summary>Casts an RQL value to the field's CLR type (its non-nullable form), or says why it cannot.</summary>
    private static object Cast(RqlScalarField field, RqlCondition condition, RqlValue value, Type memberType)
    {
        var type = Nullable.GetUnderlyingType(memberType) ?? memberType;
        object? result = field.Kind switch
        {
            RqlScalarKind.String => RqlConvert.ToText(condition, value),
            RqlScalarKind.Integer when RqlConvert.TryToInt64(value, out var l) =>
                type == typeof(int) ? (l is >= int.MinValue and <= int.MaxValue ? (int)l : null) : l,
            RqlScalarKind.Boolean when RqlConvert.TryToBoolean(value, out var b) => b,
            RqlScalarKind.Timestamp when RqlConvert.TryToTimestamp(value, out var instant) => instant,
            RqlScalarKind.Enum when value.Value is string s => field.ParseEnum!(s),
            _ => null,
        };
        return result ?? throw RqlErrors.Invalid(condition, $"Invalid RQL: '{RqlErrors.Shorten(value.Text, 40)}' is not a valid {field.Name}; {Expected(field)}");
    }

    private static string Expected(RqlScalarField field) => field.Kind switch
    {
        RqlScalarKind.Integer => "expected a whole number",
        RqlScalarKind.Boolean => "expected true or false",
        RqlScalarKind.Timestamp => "expected an ISO-8601 date such as 2024-01-01T00:00:00.000Z or epoch milliseconds",
        RqlScalarKind.Enum => "expected one of " + string.Join(", ", field.EnumMembers!.Select(m => m.Wire)),
        _ => "expected a string",
    };

    private static Expression Compare(RqlOperator op, Expression left, Expression right)
    {
        if (left.Type == typeof(string))
        {
            // string has no < operator in C#; EF translates string.Compare(a, b) > 0 to a plain a > b.
            left = Expression.Call(StringCompare, left, right);
            right = Expression.Constant(0);
        }
        return op switch
        {
            RqlOperator.Gt => Expression.GreaterThan(left, right),
            RqlOperator.Ge => Expression.GreaterThanOrEqual(left, right),
            RqlOperator.Lt => Expression.LessThan(left, right),
            _ => Expression.LessThanOrEqual(left, right),
        };
    }

    private static Expression Like(Expression member, string value) =>
        Expression.Call(LikeMethod, Expression.Constant(EF.Functions), member,
            Parameter(RqlLike.ToSqlPattern(value), typeof(string)), Expression.Constant(RqlLike.EscapeCharacter));

    /// <summary>
    /// <c>member IN (SELECT value FROM values WHERE value LIKE pattern)</c>. The same LIKE decides on the same
    /// values, so a row matches exactly when it would under <see cref="Like"/>; and since the values are read in
    /// the same statement, they are those of the same snapshot.
    /// </summary>
    private static Expression LikeAmong(IQueryable<string> values, Expression member, string value)
    {
        var pattern = RqlLike.ToSqlPattern(value);
        var matching = values.Where(v => EF.Functions.Like(v, pattern, RqlLike.EscapeCharacter));
        return Expression.Call(typeof(Queryable), nameof(Queryable.Contains), [typeof(string)], matching.Expression, member);
    }

    /// <summary>Enums are stored in their own form, not the wire name, so the match runs over the members.</summary>
    private static Expression EnumLike(RqlScalarField field, Expression member, string value)
    {
        var matches = field.EnumMembers!.Where(m => RqlLike.IsMatch(m.Wire, value)).Select(m => m.Value).ToList();
        return matches.Count == 0 ? Expression.Constant(false) : ContainedIn(matches, member);
    }

    private static Expression ContainedIn(IReadOnlyList<object> values, Expression member)
    {
        var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(member.Type))!;
        foreach (var value in values) list.Add(value);
        return Expression.Call(typeof(Enumerable), nameof(Enumerable.Contains), [member.Type],
            Parameter(list, list.GetType()), member);
    }

    private static Expression IsNull(Expression member) =>
        member.Type.IsValueType && Nullable.GetUnderlyingType(member.Type) is null
            ? Expression.Constant(false)
            : Expression.Equal(member, Expression.Constant(null, member.Type));

    /// <summary>
    /// A value as a query parameter: EF turns a member read on a captured object into a parameter, whereas a bare
    /// constant would be inlined and compile a new query per value.
    /// </summary>
    internal static Expression Parameter(object value, Type type)
    {
        var valueType = value.GetType();
        var holder = Activator.CreateInstance(typeof(RqlParameter<>).MakeGenericType(valueType), value)!;
        Expression read = Expression.Field(Expression.Constant(holder), nameof(RqlParameter<object>.Value));
        return read.Type == type ? read : Expression.Convert(read, type);
    }

    private static Expression Balanced(IReadOnlyList<Expression> operands, Func<Expression, Expression, Expression> combine, bool empty)
    {
        return operands.Count == 0 ? Expression.Constant(empty) : Build(0, operands.Count);

        Expression Build(int start, int count) => count == 1
            ? operands[start]
            : combine(Build(start, count / 2), Build(start + count / 2, count - count / 2));
    }

    /// <summary>The body of <paramref name="lambda"/> with its parameter replaced by <paramref name="row"/>.</summary>
    private static Expression Inline(LambdaExpression lambda, Expression row) =>
        new ParameterReplacer(lambda.Parameters[0], row).Visit(lambda.Body);

    private sealed class ParameterReplacer(ParameterExpression from, Expression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : node;
    }
}

/// <summary>Carries one query value; see <see cref="RqlTranslator.Parameter"/>.</summary>
internal sealed class RqlParameter<TValue>(TValue value)
{
    public readonly TValue Value = value;
}
