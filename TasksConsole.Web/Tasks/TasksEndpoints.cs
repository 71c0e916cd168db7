using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Tasks;
using TasksConsole.Web.Api;
using TasksConsole.Web.Auth;
using TasksConsole.Web.Tasks.Reruns;
using TasksConsole.Web.Views;

namespace TasksConsole.Web.Tasks;

/// <summary>The EXH task routes under <c>/tasks/v1</c>: list (RQL), create, cancel and logs.</summary>
public static class TasksEndpoints
{
    public static WebApplication MapTasksEndpoints(this WebApplication app)
    {
        var tasks = app.MapGroup("/tasks/v1").WithTags("Tasks");

        tasks.MapGet("/", FindTasks)
            .RequirePermission(Permissions.ViewTasks)
            .WithSummary("List tasks")
            .WithDescription("The query string is RQL, e.g. `?eq(status,new)&in(tags,a,b)&sort(-priority,+startTimestamp)&limit(20,0)`. " +
                             "Default limit 20, maximum 50 (larger limits are clamped and the effective value is echoed).")
            .Produces<PagedResult<TaskResponse>>();
        tasks.MapPost("/", CreateTask)
            .RequirePermission(Permissions.CreateTasks)
            .WithSummary("Schedule a task");
        tasks.MapPost("/{taskId}/cancel", CancelTask)
            .RequirePermission(Permissions.CancelTasks)
            .WithSummary("Cancel a task that is still new");
        tasks.MapGet("/{taskId}/logs", GetTaskLogs)
            .RequirePermission(Permissions.ViewTaskLogs)
            .WithSummary("A task's log lines")
            .WithDescription("RQL: only `ge(timestamp,<iso>)` and `limit(n)` are accepted.");
        app.MapTaskExport();
        app.MapRerunEndpoints();
        app.MapSavedViewEndpoints();
        return app;
    }

    private static async Task<Results<Ok<PagedResult<TaskResponse>>, Ok<PagedResult<JsonElement>>>> FindTasks(
        HttpRequest request, TaskQueries queries, CancellationToken cancellationToken)
    {
        var query = RqlRequests.Parse(request);
        var page = await queries.FindAsync(query, cancellationToken);
        return RqlRequests.PageResult(query, page.Tasks.Select(TaskResponse.From).ToList(), page.Total, page.Offset, page.Limit);
    }

    private static async Task<Ok<TaskResponse>> CreateTask(
        CreateTaskRequest request, ClaimsPrincipal user, TaskService tasks, CancellationToken cancellationToken)
    {
        var task = await tasks.CreateAsync(request.ToNewTask(), user.GetCaller(), cancellationToken);
        return TypedResults.Ok(TaskResponse.From(task));
    }

    private static async Task<Ok<AffectedRecordsResponse>> CancelTask(string taskId, TaskService tasks, CancellationToken cancellationToken)
    {
        await tasks.CancelAsync(taskId, cancellationToken);
        return TypedResults.Ok(new AffectedRecordsResponse(1));
    }

    private static async Task<Ok<LogLinesResponse>> GetTaskLogs(string taskId, HttpRequest request, TaskService tasks, CancellationToken cancellationToken)
    {
        var query = LogQuery.Parse(RqlRequests.RawQuery(request));
        var lines = await tasks.GetLogsAsync(taskId, query.Since, query.Limit, cancellationToken);
        return TypedResults.Ok(new LogLinesResponse(lines.Select(l => new LogLineResponse(l.Message, l.Timestamp)).ToList()));
    }
}
