using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Common;
using TasksConsole.Core.Schedules;
using TasksConsole.Web.Api;
using TasksConsole.Web.Auth;
using TasksConsole.Web.Tasks;

namespace TasksConsole.Web.Schedules;

/// <summary>
/// The EXH schedule routes under <c>/tasks/v1/schedules</c> (no trailing slash, as the SDK sends them), plus
/// pause, resume, fire now and preview.
/// </summary>
public static class SchedulesEndpoints
{
    public static WebApplication MapSchedulesEndpoints(this WebApplication app)
    {
        var schedules = app.MapGroup("/tasks/v1/schedules").WithTags("Schedules");

        schedules.MapGet("", FindSchedules)
            .RequirePermission(Permissions.ViewTaskSchedules)
            .WithSummary("List schedules")
            .WithDescription("The query string is RQL, e.g. `?eq(functionName,report)&sort(+nextTimestamp)&limit(20)`. " +
                             "Default limit 20, maximum 50 (clamped and echoed).")
            .Produces<PagedResult<ScheduleResponse>>();
        schedules.MapPost("", CreateSchedule)
            .RequirePermission(Permissions.CreateTaskSchedule)
            .WithSummary("Create a schedule")
            .WithDescription("Runs `functionName` every `interval` seconds from `startTimestamp` (default now), or beyond EXH on a " +
                             "`cron` expression (5 fields, or 6 with seconds) in `timeZone` (IANA id, default UTC). Each firing " +
                             "creates one ordinary task with the schedule's data, priority and tags.");
        schedules.MapDelete("/{scheduleId}", DeleteSchedule)
            .RequirePermission(Permissions.DeleteTaskSchedule)
            .WithSummary("Delete a schedule")
            .WithDescription("Tasks it already created are kept.");
        schedules.MapPost("/{scheduleId}/pause", PauseSchedule)
            .RequirePermission(Permissions.UpdateTaskSchedule)
            .WithSummary("Pause a schedule (beyond EXH)")
            .WithDescription("affectedRecords is 0 when it was already paused.");
        schedules.MapPost("/{scheduleId}/resume", ResumeSchedule)
            .RequirePermission(Permissions.UpdateTaskSchedule)
            .WithSummary("Resume a paused schedule (beyond EXH)")
            .WithDescription("It fires again from its next slot after now; slots missed while paused are skipped. " +
                             "affectedRecords is 0 when it was not paused.");
        schedules.MapPost("/{scheduleId}/fire", FireScheduleNow)
            .RequirePermission(Permissions.CreateTasks)
            .WithSummary("Fire a schedule once now (beyond EXH)")
            .WithDescription("Creates one task as a firing does (the schedule's function, data, priority and tags, `scheduleId` " +
                             "set), starting now, with the caller as its creator; answers with the task as task creation does. " +
                             "An extra firing: the schedule's next regular slot stays as it is, and a paused schedule fires too. " +
                             "It needs the permission to create tasks, not to change schedules.");
        schedules.MapGet("/{scheduleId}/preview", PreviewSchedule)
            .RequirePermission(Permissions.ViewTaskSchedules)
            .WithSummary("The next firing instants of a schedule (beyond EXH)")
            .WithDescription($"`?count=N`, 1 to {ScheduleLimits.MaxPreviewCount}, default {ScheduleLimits.DefaultPreviewCount}.");
        return app;
    }

    private static async Task<Results<Ok<PagedResult<ScheduleResponse>>, Ok<PagedResult<JsonElement>>>> FindSchedules(
        HttpRequest request, ScheduleService schedules, CancellationToken cancellationToken)
    {
        var query = RqlRequests.Parse(request);
        var page = await schedules.FindAsync(query, cancellationToken);
        return RqlRequests.PageResult(query, page.Schedules.Select(ScheduleResponse.From).ToList(), page.Total, page.Offset, page.Limit);
    }

    private static async Task<Ok<ScheduleResponse>> CreateSchedule(
        CreateScheduleRequest request, ClaimsPrincipal user, ScheduleService schedules, CancellationToken cancellationToken)
    {
        var schedule = await schedules.CreateAsync(request.ToNewSchedule(), user.GetCaller(), cancellationToken);
        return TypedResults.Ok(ScheduleResponse.From(schedule));
    }

    private static async Task<Ok<AffectedRecordsResponse>> DeleteSchedule(string scheduleId, ScheduleService schedules, CancellationToken cancellationToken) =>
        TypedResults.Ok(new AffectedRecordsResponse(await schedules.DeleteAsync(scheduleId, cancellationToken)));

    private static async Task<Ok<AffectedRecordsResponse>> PauseSchedule(string scheduleId, ScheduleService schedules, CancellationToken cancellationToken) =>
        TypedResults.Ok(new AffectedRecordsResponse(await schedules.PauseAsync(scheduleId, cancellationToken)));

    private static async Task<Ok<AffectedRecordsResponse>> ResumeSchedule(string scheduleId, ScheduleService schedules, CancellationToken cancellationToken) =>
        TypedResults.Ok(new AffectedRecordsResponse(await schedules.ResumeAsync(scheduleId, cancellationToken)));

    private static async Task<Ok<TaskResponse>> FireScheduleNow(
        string scheduleId, ClaimsPrincipal user, ScheduleService schedules, CancellationToken cancellationToken)
    {
        var task = await schedules.FireNowAsync(scheduleId, user.GetCaller(), cancellationToken)
            ?? throw ScheduleService.UnknownSchedule(scheduleId);
        return TypedResults.Ok(TaskResponse.From(task));
    }

    private static async Task<Ok<SchedulePreviewResponse>> PreviewSchedule(
        string scheduleId, HttpRequest request, ScheduleService schedules, CancellationToken cancellationToken)
    {
        var count = ScheduleLimits.DefaultPreviewCount;
        if (request.Query.TryGetValue("count", out var text)
            && !int.TryParse(text.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out count))
        {
            throw new ServiceException(ErrorCode.FieldFormat, $"'count' must be a whole number from 1 to {ScheduleLimits.MaxPreviewCount}.");
        }
        var instants = await schedules.PreviewAsync(scheduleId, count, cancellationToken);
        return TypedResults.Ok(new SchedulePreviewResponse(instants));
    }
}
