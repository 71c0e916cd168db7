using System.Globalization;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using TasksConsole.Core.Rql;

namespace TasksConsole.Core.Tasks.Search;

/// <summary>
/// RQL conditions on a value inside a task's data: <c>data.&lt;path&gt;</c>, e.g. <c>eq(data.order.id,A-17)</c> or
/// <c>gt(data.items.0.qty,3)</c>. They read the stored JSON in SQL (<see cref="JsonValues"/>); no index helps, so
/// they cost a read of every task the other conditions leave (<see cref="TaskSearchWindow"/> bounds that).
/// </summary>
/// <remarks>
/// <para>Values are matched by their JSON type. <c>eq</c>/<c>ne</c>/<c>in</c>/<c>out</c>: a string equal to the
/// value's text; for a number also a JSON number equal to it, for <c>true</c>/<c>false</c> also that boolean, so
/// <c>eq(data.n,5)</c> matches <c>5</c> and <c>"5"</c>. <c>eq(data.x,null)</c> matches a missing value or JSON null,
/// and <c>ne</c>/<c>out</c> match tasks without the value (as the other fields do).</para>
/// <para>Each condition tests the value first and its JSON type second: each reads the document again (PostgreSQL
/// parses it anew each time), and the value test rejects most tasks, so most are read once instead of twice.</para>
/// <para><c>gt</c>/<c>ge</c>/<c>lt</c>/<c>le</c> compare numbers with a number and strings (ordinally, so ISO dates
/// work) with anything else; <c>like</c> matches strings; <c>contains(data.x)</c> / <c>excludes(data.x)</c> test
/// whether the path exists.</para>
/// </remarks>
public static class TaskDataConditions
{
    public static Expression<Func<TaskRecord, bool>> Predicate(RqlCondition condition, bool postgreSql)
    {
        if (!TaskDataPath.TryParse(condition.Field, out var path))
        {
            throw RqlErrors.Invalid(condition, $"Invalid RQL: '{condition.Field}' is not a data path. {TaskDataPath.Syntax}");
        }
        var at = path.ToStorePath(postgreSql);
        var types = postgreSql ? JsonTypeNames.PostgreSql : JsonTypeNames.Sqlite;

        Expression<Func<string, bool>> predicate = condition.Operator switch
        {
            RqlOperator.Eq => EqualTo(condition.Value, at, types),
            RqlOperator.Ne => Not(EqualTo(condition.Value, at, types)),
            RqlOperator.In => AnyOf(condition, at, types),
            RqlOperator.Out => Not(AnyOf(condition, at, types)),
            RqlOperator.Gt or RqlOperator.Ge or RqlOperator.Lt or RqlOperator.Le => Ordered(condition, at, types),
            RqlOperator.Like => Like(condition, at, types),
            RqlOperator.Contains when condition.Conditions.Count == 0 => json => JsonValues.Type(json, at) != null,
            RqlOperator.Excludes when condition.Conditions.Count == 0 => json => JsonValues.Type(json, at) == null,
            _ => throw RqlErrors.Invalid(condition,
                $"Invalid RQL: {condition.Operator.ToRql()}() is not supported on {condition.Field}; " +
                "use eq, ne, in, out, gt, ge, lt, le, like, contains or excludes"),
        };

        Expression<Func<TaskRecord, string>> data = task => task.DataJson;
        return Expression.Lambda<Func<TaskRecord, bool>>(Substitute(predicate, data.Body), data.Parameters);
    }

    private static Expression<Func<string, bool>> EqualTo(RqlValue value, string at, JsonTypeNames types)
    {
        if (value.IsNull) return json => JsonValues.Type(json, at) == null || JsonValues.Type(json, at) == types.Null;

        var text = value.Text;
        Expression<Func<string, bool>> equal = json => JsonValues.Text(json, at) == text && JsonValues.Type(json, at) == types.String;
        switch (value.Value)
        {
            case long or double:
                var number = Convert.ToDouble(value.Value, CultureInfo.InvariantCulture);
                return Or(equal, json => JsonValues.Number(json, at) == number
                                         && (JsonValues.Type(json, at) == types.Integer || JsonValues.Type(json, at) == types.Real));
            case bool flag:
                return Or(equal, types.Boolean(at, flag));
            default:
                return equal;
        }
    }

    private static Expression<Func<string, bool>> AnyOf(RqlCondition condition, string at, JsonTypeNames types) =>
        condition.Values.Distinct().Select(v => EqualTo(v, at, types)).Aggregate(Or);

    private static Expression<Func<string, bool>> Ordered(RqlCondition condition, string at, JsonTypeNames types)
    {
        var value = condition.Value;
        if (value.IsNull) throw RqlErrors.Invalid(condition, $"Invalid RQL: {condition.Operator.ToRql()}() cannot compare with null");
        if (value.Value is long or double)
        {
            var number = Convert.ToDouble(value.Value, CultureInfo.InvariantCulture);
            Expression<Func<string, double?>> read = json => JsonValues.Number(json, at);
            Expression<Func<string, bool>> isNumber = json => JsonValues.Type(json, at) == types.Integer || JsonValues.Type(json, at) == types.Real;
            return And(Compare(condition.Operator, read, Expression.Convert(Captured(number), typeof(double?))), isNumber);
        }
        Expression<Func<string, string?>> readText = json => JsonValues.Text(json, at);
        Expression<Func<string, bool>> isString = json => JsonValues.Type(json, at) == types.String;
        // string.Compare translates to the store's own comparison: bytes in SQLite, the "C" collation in PostgreSQL.
        var compared = Expression.Call(typeof(string), nameof(string.Compare), null, readText.Body, Captured(value.Text));
        var order = Compare(condition.Operator, Expression.Lambda<Func<string, int>>(compared, readText.Parameters), Expression.Constant(0));
        return And(order, isString);
    }

    private static Expression<Func<string, bool>> Like(RqlCondition condition, string at, JsonTypeNames types)
    {
        var pattern = RqlLike.ToSqlPattern(RqlConvert.ToText(condition, condition.Value));
        return json => EF.Functions.Like(JsonValues.Text(json, at), pattern, RqlLike.EscapeCharacter) && JsonValues.Type(json, at) == types.String;
    }

    private static Expression<Func<string, bool>> Compare<TValue>(RqlOperator op, Expression<Func<string, TValue>> read, Expression value)
    {
        Expression body = op switch
        {
            RqlOperator.Gt => Expression.GreaterThan(read.Body, value),
            RqlOperator.Ge => Expression.GreaterThanOrEqual(read.Body, value),
            RqlOperator.Lt => Expression.LessThan(read.Body, value),
            _ => Expression.LessThanOrEqual(read.Body, value),
        };
        return Expression.Lambda<Func<string, bool>>(body, read.Parameters);
    }

    /// <summary>A value EF sends as a parameter (a closure member), not inlined into the SQL text.</summary>
    private static Expression Captured<TValue>(TValue value)
    {
        Expression<Func<TValue>> capture = () => value;
        return capture.Body;
    }

    private static Expression<Func<string, bool>> Or(Expression<Func<string, bool>> left, Expression<Func<string, bool>> right) =>
        Expression.Lambda<Func<string, bool>>(Expression.OrElse(left.Body, Substitute(right, left.Parameters[0])), left.Parameters);

    private static Expression<Func<string, bool>> And(Expression<Func<string, bool>> left, Expression<Func<string, bool>> right) =>
        Expression.Lambda<Func<string, bool>>(Expression.AndAlso(left.Body, Substitute(right, left.Parameters[0])), left.Parameters);

    private static Expression<Func<string, bool>> Not(Expression<Func<string, bool>> predicate) =>
        Expression.Lambda<Func<string, bool>>(Expression.Not(predicate.Body), predicate.Parameters);

    private static Expression Substitute(LambdaExpression lambda, Expression replacement) =>
        new ReplaceParameter(lambda.Parameters[0], replacement).Visit(lambda.Body);

    private sealed class ReplaceParameter(ParameterExpression parameter, Expression replacement) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == parameter ? replacement : node;
    }

    /// <summary>What each store's type function answers for each JSON type.</summary>
    private sealed record JsonTypeNames(string String, string Integer, string Real, string Null, Func<string, bool, Expression<Func<string, bool>>> Boolean)
    {
        // SQLite's json_type names booleans by value; json_extract reads them as 1 and 0.
        public static readonly JsonTypeNames Sqlite = new("text", "integer", "real", "null",
            (at, flag) => flag ? json => JsonValues.Type(json, at) == "true" : json => JsonValues.Type(json, at) == "false");

        // PostgreSQL's jsonb_typeof has one number type and one boolean type; #>> writes booleans as true and false.
        public static readonly JsonTypeNames PostgreSql = new("string", "number", "number", "null",
            (at, flag) =>
            {
                var text = flag ? "true" : "false";
                return json => JsonValues.Type(json, at) == "boolean" && JsonValues.Text(json, at) == text;
            });
    }
}
