using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using TasksConsole.Core.ApiFunctions;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Tasks;
using TasksConsole.Web.Api;
using TasksConsole.Web.Auth;
using TasksConsole.Web.Tasks;

namespace TasksConsole.Web.ApiFunctions;

/// <summary>The record of API function calls under <c>/tasks/v1/apiRequests</c>: list (RQL), one, and its logs.</summary>
public static class ApiRequestsEndpoints
{
    public static WebApplication MapApiRequestsEndpoints(this WebApplication app)
    {
        var requests = app.MapGroup("/tasks/v1/apiRequests").WithTags("API functions");
        requests.MapGet("/", FindRequests)
            .RequirePermission(Permissions.ViewApiFunctionRequests)
            .WithSummary("List API requests")
            .WithDescription("RQL, paged like tasks (default limit 20, maximum 50), newest first unless sorted, e.g. " +
                             "`?eq(functionName,api-demo)&eq(error.type,runtime)&sort(-timestamp)&limit(10)`.")
            .Produces<PagedResult<ApiRequestResponse>>();
        requests.MapGet("/{id}", GetRequest)
            .RequirePermission(Permissions.ViewApiFunctionRequests)
            .WithSummary("One API request");
        requests.MapGet("/{id}/logs", GetRequestLogs)
            .RequirePermission(Permissions.ViewApiFunctionRequestLogs)
            .WithSummary("An API request's log lines")
            .WithDescription("RQL: only `ge(timestamp,<iso>)` and `limit(n)` are accepted.");
        return app;
    }

    private static async Task<Results<Ok<PagedResult<ApiRequestResponse>>, Ok<PagedResult<JsonElement>>>> FindRequests(
        HttpRequest request, ApiRequestService requests, CancellationToken cancellationToken)
    {
        var query = RqlRequests.Parse(request);
        var page = await requests.FindAsync(query, cancellationToken);
        return RqlRequests.PageResult(query, page.Requests.Select(ApiRequestResponse.From).ToList(), page.Total, page.Offset, page.Limit);
    }

    private static async Task<Ok<ApiRequestResponse>> GetRequest(string id, ApiRequestService requests, CancellationToken cancellationToken) =>
        TypedResults.Ok(ApiRequestResponse.From(await requests.GetAsync(id, cancellationToken)));

    private static async Task<Ok<LogLinesResponse>> GetRequestLogs(
        string id, HttpRequest request, ApiRequestService requests, CancellationToken cancellationToken)
    {
        var query = LogQuery.Parse(RqlRequests.RawQuery(request));
        var lines = await requests.GetLogsAsync(id, query.Since, query.Limit, cancellationToken);
        return TypedResults.Ok(new LogLinesResponse(lines.Select(l => new LogLineResponse(l.Message, l.Timestamp)).ToList()));
    }
}
