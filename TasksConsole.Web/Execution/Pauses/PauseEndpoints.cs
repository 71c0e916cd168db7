using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Execution.Pauses;
using TasksConsole.Web.Api;
using TasksConsole.Web.Auth;

namespace TasksConsole.Web.Execution.Pauses;

/// <summary>
/// Pause and drain over REST (beyond EXH): pause dispatch for the whole service or one function with a reason and
/// an optional resume time; running tasks finish, nothing new starts until it is resumed.
/// </summary>
public static class PauseEndpoints
{
    public static WebApplication MapPauseEndpoints(this WebApplication app)
    {
        var tasks = app.MapGroup("/tasks/v1").WithTags("Dispatch pauses");
        tasks.MapGet("/pauses", ListPauses)
            .RequirePermission(Permissions.ViewTasks)
            .WithSummary("The pauses of dispatch that hold now (beyond EXH)")
            .WithDescription("`data` lists the service-wide pause first (`functionName` null), then paused functions by name.");
        tasks.MapPost("/pause", (PauseRequest body, ClaimsPrincipal user, DispatchPauses pauses, CancellationToken ct) =>
                PauseAsync(null, body, user, pauses, ct))
            .RequirePermission(Permissions.PauseDispatch)
            .WithSummary("Pause dispatch for the whole service (beyond EXH)")
            .WithDescription("Body `{reason, resumeTimestamp?}`. Running tasks finish; no task starts until it is resumed, " +
                             "or until `resumeTimestamp`. Pausing again replaces the reason and resume time.");
        tasks.MapPost("/resume", (ClaimsPrincipal user, DispatchPauses pauses, CancellationToken ct) => ResumeAsync(null, user, pauses, ct))
            .RequirePermission(Permissions.PauseDispatch)
            .WithSummary("Resume dispatch for the whole service (beyond EXH)")
            .WithDescription("affectedRecords is 0 when it was not paused.");
        tasks.MapPost("/functions/{functionName}/pause", (string functionName, PauseRequest body, ClaimsPrincipal user, DispatchPauses pauses, CancellationToken ct) =>
                PauseAsync(functionName, body, user, pauses, ct))
            .WithTags("Functions")
            .RequirePermission(Permissions.PauseDispatch)
            .WithSummary("Pause one function's tasks (beyond EXH)")
            .WithDescription("Body `{reason, resumeTimestamp?}`. Its running tasks finish; its due tasks stay new and wait. " +
                             "Unlike disabling, it records why and who, and can end by itself at `resumeTimestamp`.");
        tasks.MapPost("/functions/{functionName}/resume", (string functionName, ClaimsPrincipal user, DispatchPauses pauses, CancellationToken ct) =>
                ResumeAsync(functionName, user, pauses, ct))
            .WithTags("Functions")
            .RequirePermission(Permissions.PauseDispatch)
            .WithSummary("Resume a paused function (beyond EXH)")
            .WithDescription("affectedRecords is 0 when it was not paused.");
        return app;
    }

    private static async Task<Ok<PauseListResponse>> ListPauses(DispatchPauses pauses, CancellationToken cancellationToken) =>
        TypedResults.Ok(new PauseListResponse((await pauses.ListAsync(cancellationToken)).Select(PauseResponse.From).ToList()));

    private static async Task<Ok<PauseResponse>> PauseAsync(
        string? functionName, PauseRequest body, ClaimsPrincipal user, DispatchPauses pauses, CancellationToken cancellationToken)
    {
        var pause = await pauses.PauseAsync(functionName, body.Reason, body.ResumeTimestamp, user.GetPausedBy(), cancellationToken);
        return TypedResults.Ok(PauseResponse.From(pause));
    }

    private static async Task<Ok<AffectedRecordsResponse>> ResumeAsync(
        string? functionName, ClaimsPrincipal user, DispatchPauses pauses, CancellationToken cancellationToken) =>
        TypedResults.Ok(new AffectedRecordsResponse(await pauses.ResumeAsync(functionName, user.GetPausedBy(), cancellationToken) ? 1 : 0));

    /// <summary>The signed-in user who pauses or resumes, by id and email.</summary>
    public static PausedBy GetPausedBy(this ClaimsPrincipal user) => new(user.GetUserId(), user.Identity?.Name);
}

/// <summary>The body of a pause: why (required), and when it ends by itself (optional).</summary>
public sealed record PauseRequest(string Reason, DateTimeOffset? ResumeTimestamp) : IJsonRequest<PauseRequest>
{
    public static PauseRequest Read(JsonElement body) => new(
        JsonBody.RequiredString(body, "reason", DispatchPauseRecord.MaxReasonLength),
        JsonBody.OptionalInstant(body, "resumeTimestamp"));
}

/// <summary>A pause: <c>functionName</c> is null for the service-wide pause.</summary>
public sealed record PauseResponse(
    string? FunctionName, string Reason, string? PausedByUserId, string? PausedBy, DateTimeOffset PausedTimestamp, DateTimeOffset? ResumeTimestamp)
{
    public static PauseResponse From(DispatchPauseRecord pause) => new(
        pause.IsServiceWide ? null : pause.FunctionName, pause.Reason, pause.PausedByUserId, pause.PausedBy,
        pause.PausedTimestamp, pause.ResumeTimestamp);
}

public sealed record PauseListResponse(IReadOnlyList<PauseResponse> Data);
