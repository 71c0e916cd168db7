using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Common;
using TasksConsole.Core.Tasks;
using TasksConsole.Core.Tasks.Reruns;
using TasksConsole.Web.Api;
using TasksConsole.Web.Auth;

namespace TasksConsole.Web.Tasks.Reruns;

/// <summary>
/// Re-run by filter over REST: <c>POST /tasks/v1/rerun?&lt;rql&gt;</c> starts a job and answers at once with its id;
/// <c>GET /tasks/v1/reruns/{id}</c> reads its progress and <c>POST …/stop</c> stops it, on any node.
/// </summary>
public static class RerunEndpoints
{
    public static WebApplication MapRerunEndpoints(this WebApplication app)
    {
        var tasks = app.MapGroup("/tasks/v1").WithTags("Tasks");
        tasks.MapPost("/rerun", StartRerun)
            .RequirePermission(Permissions.CreateTasks)
            .WithSummary("Re-run every failed, canceled or retried task that matches an RQL filter")
            .WithDescription("The query string is the RQL filter (limit, sort and select are refused); it is narrowed to the statuses " +
                             "failed, canceled and retried. Each copy is a new task with `rerunOfTaskId` set to its original. " +
                             "Answers 202 with the job; read its progress at `/tasks/v1/reruns/{id}`.");
        tasks.MapGet("/reruns/{jobId}", GetRerun)
            .RequirePermission(Permissions.ViewTasks)
            .WithSummary("A re-run job's progress");
        tasks.MapPost("/reruns/{jobId}/stop", StopRerun)
            .RequirePermission(Permissions.CreateTasks)
            .WithSummary("Stop a re-run job after its current chunk (the copies made so far are kept)");
        return app;
    }

    private static async Task<Accepted<RerunJobResponse>> StartRerun(
        HttpRequest request, RerunRequest body, ClaimsPrincipal user, TaskReruns reruns, CancellationToken cancellationToken)
    {
        var query = RqlRequests.Parse(request);
        if (query.Limit is not null || query.Offset is not null || query.Sort.Count > 0 || query.Select is not null)
        {
            throw new ServiceException(ErrorCode.InvalidRql, "A re-run takes a filter only: limit, sort and select are not accepted.");
        }
        var job = await reruns.StartJobAsync(query.Filter, body.ToOptions(), user.GetCaller(), cancellationToken);
        return TypedResults.Accepted($"/tasks/v1/reruns/{job.Id}", RerunJobResponse.From(job));
    }

    private static async Task<Ok<RerunJobResponse>> GetRerun(string jobId, TaskReruns reruns, CancellationToken cancellationToken) =>
        TypedResults.Ok(RerunJobResponse.From(await reruns.FindJobAsync(jobId, cancellationToken) ?? throw Unknown(jobId)));

    private static async Task<Ok<RerunJobResponse>> StopRerun(string jobId, TaskReruns reruns, CancellationToken cancellationToken) =>
        TypedResults.Ok(RerunJobResponse.From(await reruns.RequestStopAsync(jobId, cancellationToken) ?? throw Unknown(jobId)));

    private static ServiceException Unknown(string jobId) => new(ErrorCode.ResourceUnknown, $"No re-run job with id {jobId}.");
}

/// <summary>The options of <c>POST /tasks/v1/rerun</c>; the body may be absent.</summary>
public sealed record RerunRequest : IJsonRequest<RerunRequest>
{
    /// <summary>Keep each original's priority (default) or take its function's default priority.</summary>
    public bool? KeepPriority { get; init; }

    /// <summary>Keep each original's start time, or start now (default).</summary>
    public bool? KeepStartTimestamp { get; init; }

    /// <summary>A tag added to every copy.</summary>
    public string? AddTag { get; init; }

    public static bool AllowEmpty => true;

    public static RerunRequest Read(JsonElement body) => new()
    {
        KeepPriority = JsonBody.OptionalBoolean(body, "keepPriority"),
        KeepStartTimestamp = JsonBody.OptionalBoolean(body, "keepStartTimestamp"),
        AddTag = JsonBody.OptionalString(body, "addTag", TaskLimits.MaxTagLength),
    };

    public RerunOptions ToOptions() => new(KeepPriority ?? true, KeepStartTimestamp ?? false, AddTag);
}

/// <summary>A re-run job: <c>state</c> is running, complete, stopped or failed.</summary>
public sealed record RerunJobResponse(
    string Id,
    string State,
    string Filter,
    long Total,
    long Created,
    long Zombies,
    bool KeepPriority,
    bool KeepStartTimestamp,
    string? AddTag,
    bool StopRequested,
    string? Error,
    string? CreatedByUserId,
    DateTimeOffset CreationTimestamp,
    DateTimeOffset UpdateTimestamp,
    DateTimeOffset? FinishedTimestamp)
{
    public static RerunJobResponse From(RerunJobRecord job) => new(
        job.Id, JsonNamingPolicy.CamelCase.ConvertName(job.State.ToString()), job.Filter, job.Total, job.Created, job.Zombies,
        job.KeepPriority, job.KeepStartTimestamp, job.AddTag, job.StopRequested, job.Error, job.CreatedByUserId,
        job.CreationTimestamp, job.UpdateTimestamp, job.FinishedTimestamp);
}
