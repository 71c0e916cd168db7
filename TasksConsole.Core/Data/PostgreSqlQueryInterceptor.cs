using System.Linq.Expressions;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Metadata;

namespace TasksConsole.Core.Data;

/// <summary>
/// Makes PostgreSQL answer LINQ queries as SQLite does where the two differ by default. It rewrites each query
/// before EF translates it, once per query shape (EF caches the result):
/// <list type="bullet">
/// <item><c>EF.Functions.Like</c> becomes <c>ILIKE</c>: LIKE is case-sensitive on PostgreSQL and folds ASCII letters
/// on SQLite, and RQL's <c>like</c> (the only user, see <see cref="Rql.RqlLike"/>) means the latter. Under the "C"
/// collation of every text column, ILIKE folds ASCII letters only, as SQLite does.</item>
/// <item>Ordering by a nullable column puts NULLs first in ascending order, last in descending (SQLite's order;
/// PostgreSQL's is the reverse), with a leading "is not null" key. Required columns are left alone, so their
/// orderings still follow indexes.</item>
/// </list>
/// </summary>
internal sealed class PostgreSqlQueryInterceptor : IQueryExpressionInterceptor
{
    public static readonly PostgreSqlQueryInterceptor Instance = new();

    public Expression QueryCompilationStarting(Expression queryExpression, QueryExpressionEventData eventData) =>
        new Rewriter(eventData.Context?.Model).Visit(queryExpression);

    private sealed class Rewriter(IModel? model) : ExpressionVisitor
    {
        private static readonly MethodInfo Like = typeof(DbFunctionsExtensions).GetMethod(
            nameof(DbFunctionsExtensions.Like), [typeof(DbFunctions), typeof(string), typeof(string)])!;

        private static readonly MethodInfo LikeEscaped = typeof(DbFunctionsExtensions).GetMethod(
            nameof(DbFunctionsExtensions.Like), [typeof(DbFunctions), typeof(string), typeof(string), typeof(string)])!;

        private static readonly MethodInfo ILike = typeof(NpgsqlDbFunctionsExtensions).GetMethod(
            nameof(NpgsqlDbFunctionsExtensions.ILike), [typeof(DbFunctions), typeof(string), typeof(string)])!;

        private static readonly MethodInfo ILikeEscaped = typeof(NpgsqlDbFunctionsExtensions).GetMethod(
            nameof(NpgsqlDbFunctionsExtensions.ILike), [typeof(DbFunctions), typeof(string), typeof(string), typeof(string)])!;

        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            var visited = (MethodCallExpression)base.VisitMethodCall(node);
            if (visited.Method == LikeEscaped) return Expression.Call(ILikeEscaped, visited.Arguments);
            if (visited.Method == Like) return Expression.Call(ILike, visited.Arguments);
            return visited.Method.DeclaringType == typeof(Queryable) ? OrderNullsAsSqlite(visited) : visited;
        }

        private Expression OrderNullsAsSqlite(MethodCallExpression call)
        {
            var name = call.Method.Name;
            if (name is not (nameof(Queryable.OrderBy) or nameof(Queryable.OrderByDescending)
                or nameof(Queryable.ThenBy) or nameof(Queryable.ThenByDescending)) || call.Arguments.Count != 2) return call;
            if (StripQuotes(call.Arguments[1]) is not LambdaExpression key || !IsNullable(key)) return call;

            // Ascending: rows with a value (1) after those without (0); descending: before them.
            var hasValue = Expression.Lambda(
                Expression.Condition(Expression.Equal(key.Body, Expression.Constant(null, key.Body.Type)),
                    Expression.Constant(0), Expression.Constant(1)),
                key.Parameters);
            var source = call.Arguments[0];
            var elementType = call.Method.GetGenericArguments()[0];
            var first = Expression.Call(typeof(Queryable), name, [elementType, typeof(int)], source, Expression.Quote(hasValue));
            var then = name.EndsWith("Descending", StringComparison.Ordinal) ? nameof(Queryable.ThenByDescending) : nameof(Queryable.ThenBy);
            return Expression.Call(typeof(Queryable), then, [elementType, key.ReturnType], first, Expression.Quote(key));
        }

        /// <summary>Whether the key can be NULL: a nullable type, and not a required column of the model.</summary>
        private bool IsNullable(LambdaExpression key)
        {
            var type = key.ReturnType;
            if (type.IsValueType && Nullable.GetUnderlyingType(type) is null) return false;
            if (key.Body is MemberExpression { Expression: ParameterExpression entity } member
                && model?.FindEntityType(entity.Type)?.FindProperty(member.Member.Name) is { } property)
            {
                return property.IsNullable;
            }
            return true;
        }

        private static Expression StripQuotes(Expression expression) =>
            expression is UnaryExpression { NodeType: ExpressionType.Quote } quote ? quote.Operand : expression;
    }
}
