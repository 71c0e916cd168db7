using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using TasksConsole.Core.Rql;

namespace TasksConsole.Web.Api;

/// <summary>How every EXH list endpoint reads its RQL and answers with a page.</summary>
public static class RqlRequests
{
    /// <summary>RQL is not key=value: it must be read raw, before ASP.NET decodes or splits it.</summary>
    public static string RawQuery(HttpRequest request) =>
        request.QueryString.HasValue ? request.QueryString.Value![1..] : "";

    public static RqlQuery Parse(HttpRequest request) => RqlParser.Parse(RawQuery(request));

    /// <summary>
    /// The EXH page envelope, with the paging actually applied and the items cut down to <c>select()</c>'s fields
    /// (then they are written as the JSON they were cut from, not as <typeparamref name="T"/>). List endpoints say
    /// <c>.Produces&lt;PagedResult&lt;T&gt;&gt;()</c> so that the OpenAPI document shows the full page, not the cut one.
    /// </summary>
    public static Results<Ok<PagedResult<T>>, Ok<PagedResult<JsonElement>>> PageResult<T>(
        RqlQuery query, IReadOnlyList<T> data, long? total, int offset, int limit)
    {
        var info = new PageInfo(total, offset, limit);
        return query.Select is { Count: > 0 } fields
            ? TypedResults.Ok(new PagedResult<JsonElement>(info, ResponseProjection.Select(data, fields)))
            : TypedResults.Ok(new PagedResult<T>(info, data));
    }
}
