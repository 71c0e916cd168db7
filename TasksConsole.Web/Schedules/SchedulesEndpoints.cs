using System.Globalization;
using System.Text.Json;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Common;
using TasksConsole.Core.Rql;
using TasksConsole.Core.Schedules;
using TasksConsole.Core.Tasks;
using TasksConsole.Web.Api;
using TasksConsole.Web.Auth;
using TasksConsole.Web.Tasks;

namespace TasksConsole.Web.Schedules;

/// <summary>
/// The EXH schedule routes under <c>/tasks/v1/schedules</c> (no trailing slash, as the SDK sends them), plus
/// pause, resume and preview.
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
                             "creates one ordinary task with the schedule's data, priority and tags.")
            .Accepts<CreateScheduleRequest>("application/json")
            .Produces<ScheduleResponse>();
        schedules.MapDelete("/{scheduleId}", DeleteSchedule)
            .RequirePermission(Permissions.DeleteTaskSchedule)
            .WithSummary("Delete a schedule")
            .WithDescription("Tasks it already created are kept.")
            .Produces<AffectedRecordsResponse>();
        schedules.MapPost("/{scheduleId}/pause", PauseSchedule)
            .RequirePermission(Permissions.UpdateTaskSchedule)
            .WithSummary("Pause a schedule (beyond EXH)")
            .WithDescription("affectedRecords is 0 when it was already paused.")
            .Produces<AffectedRecordsResponse>();
        schedules.MapPost("/{scheduleId}/resume", ResumeSchedule)
            .RequirePermission(Permissions.UpdateTaskSchedule)
            .WithSummary("Resume a paused schedule (beyond EXH)")
            .WithDescription("It fires again from its next slot after now; slots missed while paused are skipped. " +
                             "affectedRecords is 0 when it was not paused.")
            .Produces<AffectedRecordsResponse>();
        schedules.MapGet("/{scheduleId}/preview", PreviewSchedule)
            .RequirePermission(Permissions.ViewTaskSchedules)
            .WithSummary("The next firing instants of a schedule (beyond EXH)")
            .WithDescription($"`?count=N`, 1 to {ScheduleLimits.MaxPreviewCount}, default {ScheduleLimits.DefaultPreviewCount}.")
            .Produces<SchedulePreviewResponse>();
        return app;
    }

    private static async Task<IResult> FindSchedules(HttpRequest request, ScheduleService schedules, CancellationToken cancellationToken)
    {
        var query = RqlRequests.Parse(request);
        var page = await schedules.FindAsync(query, cancellationToken);
        return RqlRequests.PageResult(query, page.Schedules.Select(ScheduleResponse.From).ToList(), page.Total, page.Offset, page.Limit);
    }

    private static async Task<IResult> CreateSchedule(HttpContext context, ScheduleService schedules, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadObjectAsync(context.Request);
        var input = new NewSchedule(
            FunctionName: JsonBody.RequiredString(body, "functionName", maxLength: 1024),
            IntervalSeconds: JsonBody.OptionalInteger(body, "interval"),
            Cron: JsonBody.OptionalString(body, "cron", ScheduleLimits.MaxCronLength),
            TimeZone: JsonBody.OptionalString(body, "timeZone", ScheduleLimits.MaxTimeZoneLength),
            DataJson: ReadData(body),
            Priority: JsonBody.OptionalInteger(body, "priority"),
            StartTimestamp: JsonBody.OptionalInstant(body, "startTimestamp"),
            Tags: JsonBody.OptionalStringArray(body, "tags", TaskLimits.MaxTags, TaskLimits.MaxTagLength),
            Paused: JsonBody.OptionalBoolean(body, "paused") ?? false);
        var caller = new Caller(context.User.GetUserId(), context.User.GetApplicationId());
        var schedule = await schedules.CreateAsync(input, caller, cancellationToken);
        return TypedResults.Json(ScheduleResponse.From(schedule), ApiJson.Options);
    }

    private static async Task<IResult> DeleteSchedule(string scheduleId, ScheduleService schedules, CancellationToken cancellationToken) =>
        TypedResults.Json(new AffectedRecordsResponse(await schedules.DeleteAsync(scheduleId, cancellationToken)), ApiJson.Options);

    private static async Task<IResult> PauseSchedule(string scheduleId, ScheduleService schedules, CancellationToken cancellationToken) =>
        TypedResults.Json(new AffectedRecordsResponse(await schedules.PauseAsync(scheduleId, cancellationToken)), ApiJson.Options);

    private static async Task<IResult> ResumeSchedule(string scheduleId, ScheduleService schedules, CancellationToken cancellationToken) =>
        TypedResults.Json(new AffectedRecordsResponse(await schedules.ResumeAsync(scheduleId, cancellationToken)), ApiJson.Options);

    private static async Task<IResult> PreviewSchedule(
        string scheduleId, HttpRequest request, ScheduleService schedules, CancellationToken cancellationToken)
    {
        var count = ScheduleLimits.DefaultPreviewCount;
        if (request.Query.TryGetValue("count", out var text)
            && !int.TryParse(text.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out count))
        {
            throw new ServiceException(ErrorCode.FieldFormat, $"'count' must be a whole number from 1 to {ScheduleLimits.MaxPreviewCount}.");
        }
        var instants = await schedules.PreviewAsync(scheduleId, count, cancellationToken);
        return TypedResults.Json(new SchedulePreviewResponse(instants), ApiJson.Options);
    }

    private static string? ReadData(JsonElement body)
    {
        if (!body.TryGetProperty("data", out var data) || data.ValueKind == JsonValueKind.Null) return null;
        if (data.ValueKind != JsonValueKind.Object) throw JsonBody.FieldFormat("data", "a JSON object", data);
        return data.GetRawText();
    }
}
