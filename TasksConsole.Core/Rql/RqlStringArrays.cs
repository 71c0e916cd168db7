using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;

namespace TasksConsole.Core.Rql;

/// <summary>
/// RQL on a list of strings stored as a JSON column (EF primitive collection): <c>eq</c>/<c>ne</c> contain or
/// lack a value, <c>in</c>/<c>out</c> any or none of the values, <c>like</c> any element, <c>contains</c>/<c>excludes</c>
/// non-empty or empty. These scan the JSON, so use them for fields that are rarely filtered on; task tags, which
/// are filtered all the time, go through their own index instead.
/// </summary>
public static class RqlStringArrays
{
    public static Expression<Func<T, bool>> Predicate<T>(RqlCondition condition, Expression<Func<T, List<string>>> array)
    {
        Expression<Func<List<string>, bool>> predicate;
        switch (condition.Operator)
        {
            case RqlOperator.Eq or RqlOperator.Ne:
                var value = RqlConvert.ToText(condition, condition.Value);
                predicate = condition.Operator == RqlOperator.Eq ? list => list.Contains(value) : list => !list.Contains(value);
                break;
            case RqlOperator.In or RqlOperator.Out:
                var values = RqlConvert.ToDistinctTexts(condition);
                predicate = condition.Operator == RqlOperator.In
                    ? list => list.Any(item => values.Contains(item))
                    : list => !list.Any(item => values.Contains(item));
                break;
            case RqlOperator.Like:
                var pattern = RqlLike.ToSqlPattern(RqlConvert.ToText(condition, condition.Value));
                predicate = list => list.Any(item => EF.Functions.Like(item, pattern, RqlLike.EscapeCharacter));
                break;
            case RqlOperator.Contains or RqlOperator.Excludes when condition.Conditions.Count == 0:
                predicate = condition.Operator == RqlOperator.Contains ? list => list.Count > 0 : list => list.Count == 0;
                break;
            default:
                throw RqlErrors.Invalid(condition,
                    $"Invalid RQL: {condition.Operator.ToRql()}() is not supported on {condition.Field}, an array of strings; " +
                    "use eq, ne, in, out, like, contains or excludes");
        }

        // Substitute the array member for the predicate's parameter, so EF sees e.g. task.RetryForTaskIds.Contains(x).
        var body = new ReplaceParameter(predicate.Parameters[0], array.Body).Visit(predicate.Body);
        return Expression.Lambda<Func<T, bool>>(body, array.Parameters);
    }

    private sealed class ReplaceParameter(ParameterExpression parameter, Expression replacement) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == parameter ? replacement : node;
    }
}
