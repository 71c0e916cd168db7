using System.Linq.Expressions;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace TasksConsole.Core.Data;

/// <summary>
/// On PostgreSQL, turns every <c>EF.Functions.Like</c> of a query into <c>ILIKE</c> before EF translates it: LIKE is
/// case-sensitive there, while on SQLite it folds ASCII letters, and RQL's <c>like</c> (the only user of
/// <c>EF.Functions.Like</c>, see <see cref="Rql.RqlLike"/>) means that. With the "C" collation of every text column,
/// ILIKE folds ASCII letters only, exactly as SQLite does. It runs once per query shape: EF caches the result.
/// </summary>
internal sealed class CaseInsensitiveLikeInterceptor : ExpressionVisitor, IQueryExpressionInterceptor
{
    public static readonly CaseInsensitiveLikeInterceptor Instance = new();

    private static readonly MethodInfo Like = typeof(DbFunctionsExtensions).GetMethod(
        nameof(DbFunctionsExtensions.Like), [typeof(DbFunctions), typeof(string), typeof(string)])!;

    private static readonly MethodInfo LikeEscaped = typeof(DbFunctionsExtensions).GetMethod(
        nameof(DbFunctionsExtensions.Like), [typeof(DbFunctions), typeof(string), typeof(string), typeof(string)])!;

    private static readonly MethodInfo ILike = typeof(NpgsqlDbFunctionsExtensions).GetMethod(
        nameof(NpgsqlDbFunctionsExtensions.ILike), [typeof(DbFunctions), typeof(string), typeof(string)])!;

    private static readonly MethodInfo ILikeEscaped = typeof(NpgsqlDbFunctionsExtensions).GetMethod(
        nameof(NpgsqlDbFunctionsExtensions.ILike), [typeof(DbFunctions), typeof(string), typeof(string), typeof(string)])!;

    public Expression QueryCompilationStarting(Expression queryExpression, QueryExpressionEventData eventData) => Visit(queryExpression);

    protected override Expression VisitMethodCall(MethodCallExpression node)
    {
        var visited = (MethodCallExpression)base.VisitMethodCall(node);
        if (visited.Method == LikeEscaped) return Expression.Call(ILikeEscaped, visited.Arguments);
        if (visited.Method == Like) return Expression.Call(ILike, visited.Arguments);
        return visited;
    }
}
