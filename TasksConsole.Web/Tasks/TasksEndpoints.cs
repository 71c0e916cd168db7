using System.Text.Json;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Rql;
using TasksConsole.Core.Tasks;
using TasksConsole.Web.Api;
using TasksConsole.Web.Auth;

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
                             "Default limit 20, maximum 50 (larger limits are clamped and the effective value is echoed).");
        tasks.MapPost("/", CreateTask)
            .RequirePermission(Permissions.CreateTasks)
            .WithSummary("Schedule a task")
            .Accepts<CreateTaskRequest>("application/json");
        tasks.MapPost("/{taskId}/cancel", CancelTask)
            .RequirePermission(Permissions.CancelTasks)
            .WithSummary("Cancel a task that is still new");
        tasks.MapGet("/{taskId}/logs", GetTaskLogs)
            .RequirePermission(Permissions.ViewTaskLogs)
            .WithSummary("A task's log lines")
            .WithDescription("RQL: only `ge(timestamp,<iso>)` and `limit(n)` are accepted.");
        app.MapTaskExport();
        return app;
    }

    private static async Task<IResult> FindTasks(HttpRequest request, TaskQueries queries, CancellationToken cancellationToken)
    {
        var query = RqlRequests.Parse(request);
        var page = await queries.FindAsync(query, cancellationToken);
        return RqlRequests.PageResult(query, page.Tasks.Select(TaskResponse.From).ToList(), page.Total, page.Offset, page.Limit);
    }

    private static async Task<IResult> CreateTask(HttpContext context, TaskService tasks, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadObjectAsync(context.Request);
        var input = new NewTask(
            FunctionName: JsonBody.RequiredString(body, "functionName", maxLength: 1024),
            DataJson: ReadData(body),
            Priority: JsonBody.OptionalInteger(body, "priority"),
            StartTimestamp: JsonBody.OptionalInstant(body, "startTimestamp"),
            Tags: JsonBody.OptionalStringArray(body, "tags", TaskLimits.MaxTags, TaskLimits.MaxTagLength));
        var caller = new Caller(context.User.GetUserId(), context.User.GetApplicationId());
        var task = await tasks.CreateAsync(input, caller, cancellationToken);
        return TypedResults.Json(TaskResponse.From(task), ApiJson.Options);
    }

    private static async Task<IResult> CancelTask(string taskId, TaskService tasks, CancellationToken cancellationToken)
    {
        await tasks.CancelAsync(taskId, cancellationToken);
        return TypedResults.Json(new AffectedRecordsResponse(1), ApiJson.Options);
    }

    private static async Task<IResult> GetTaskLogs(string taskId, HttpRequest request, TaskService tasks, CancellationToken cancellationToken)
    {
        var query = LogQuery.Parse(RqlRequests.RawQuery(request));
        var lines = await tasks.GetLogsAsync(taskId, query.Since, query.Limit, cancellationToken);
        return TypedResults.Json(new LogLinesResponse(lines.Select(l => new LogLineResponse(l.Message, l.Timestamp)).ToList()), ApiJson.Options);
    }

    private static string? ReadData(JsonElement body)
    {
        if (!body.TryGetProperty("data", out var data) || data.ValueKind == JsonValueKind.Null) return null;
        if (data.ValueKind != JsonValueKind.Object) throw JsonBody.FieldFormat("data", "a JSON object", data);
        return data.GetRawText();
    }
}

/// <summary>The create body, for the OpenAPI document (the handler reads the JSON itself to report EXH error codes).</summary>
public sealed record CreateTaskRequest(
    string FunctionName,
    JsonElement? Data,
    long? Priority,
    DateTimeOffset? StartTimestamp,
    IReadOnlyList<string>? Tags);
