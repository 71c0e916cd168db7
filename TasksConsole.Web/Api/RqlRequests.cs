using System.Text.Json;
using TasksConsole.Core.Rql;

namespace TasksConsole.Web.Api;

/// <summary>How every EXH list endpoint reads its RQL and answers with a page.</summary>
public static class RqlRequests
{
    /// <summary>RQL is not key=value: it must be read raw, before ASP.NET decodes or splits it.</summary>
    public static string RawQuery(HttpRequest request) =>
        request.QueryString.HasValue ? request.QueryString.Value![1..] : "";

    public static RqlQuery Parse(HttpRequest request) => RqlParser.Parse(RawQuery(request));

    /// <summary>The EXH page envelope, with the paging actually applied and the items cut down to <c>select()</c>'s fields.</summary>
    public static IResult PageResult<T>(RqlQuery query, IReadOnlyList<T> data, long? total, int offset, int limit)
    {
        var info = new PageInfo(total, offset, limit);
        return query.Select is { Count: > 0 } fields
            ? TypedResults.Json(new PagedResult<JsonElement>(info, ResponseProjection.Select(data, fields)), ApiJson.Options)
            : TypedResults.Json(new PagedResult<T>(info, data), ApiJson.Options);
    }
}
