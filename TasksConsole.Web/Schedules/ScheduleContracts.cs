using System.Text.Json;
using TasksConsole.Core.Schedules;
using TasksConsole.Core.Tasks;
using TasksConsole.Web.Api;

namespace TasksConsole.Web.Schedules;

/// <summary>
/// EXH <c>Schedule</c>. Beyond EXH: <c>cron</c> and <c>timeZone</c> (then there is no <c>interval</c>),
/// <c>tags</c>, <c>paused</c>, <c>lastFiredTimestamp</c> and <c>createdByUserId</c>. <c>priority</c> is left out
/// when the schedule has none (its tasks then take the function's default priority).
/// </summary>
public sealed record ScheduleResponse(
    string Id,
    string FunctionName,
    long? Interval,
    string? Cron,
    string? TimeZone,
    RawJson Data,
    long? Priority,
    IReadOnlyList<string> Tags,
    bool Paused,
    DateTimeOffset StartTimestamp,
    DateTimeOffset NextTimestamp,
    DateTimeOffset? LastFiredTimestamp,
    string? CreatedByUserId,
    DateTimeOffset CreationTimestamp,
    DateTimeOffset UpdateTimestamp)
{
    public static ScheduleResponse From(ScheduleRecord schedule) => new(
        schedule.Id,
        schedule.FunctionName,
        schedule.IntervalSeconds,
        schedule.CronExpression,
        schedule.TimeZone,
        new RawJson(schedule.DataJson),
        schedule.Priority,
        schedule.Tags,
        schedule.Paused,
        schedule.StartTimestamp,
        schedule.NextTimestamp,
        schedule.LastFiredTimestamp,
        schedule.CreatedByUserId,
        schedule.CreationTimestamp,
        schedule.UpdateTimestamp);
}

/// <summary>The next firing instants of a schedule, oldest first.</summary>
public sealed record SchedulePreviewResponse(IReadOnlyList<DateTimeOffset> Data);

/// <summary>
/// The body of <c>POST /tasks/v1/schedules</c>: EXH <c>ScheduleCreation</c> (<c>functionName</c>, <c>interval</c>, data,
/// priority, start) plus <c>cron</c>, <c>timeZone</c>, <c>tags</c> and <c>paused</c>.
/// </summary>
public sealed record CreateScheduleRequest : IJsonRequest<CreateScheduleRequest>
{
    public required string FunctionName { get; init; }
    public long? Interval { get; init; }
    public string? Cron { get; init; }
    public string? TimeZone { get; init; }
    public JsonElement? Data { get; init; }
    public long? Priority { get; init; }
    public DateTimeOffset? StartTimestamp { get; init; }
    public IReadOnlyList<string>? Tags { get; init; }
    public bool? Paused { get; init; }

    public static CreateScheduleRequest Read(JsonElement body) => new()
    {
        FunctionName = JsonBody.RequiredString(body, "functionName", maxLength: 1024),
        Interval = JsonBody.OptionalInteger(body, "interval"),
        Cron = JsonBody.OptionalString(body, "cron", ScheduleLimits.MaxCronLength),
        TimeZone = JsonBody.OptionalString(body, "timeZone", ScheduleLimits.MaxTimeZoneLength),
        Data = JsonBody.OptionalObject(body, "data"),
        Priority = JsonBody.OptionalInteger(body, "priority"),
        StartTimestamp = JsonBody.OptionalInstant(body, "startTimestamp"),
        Tags = JsonBody.OptionalStringArray(body, "tags", TaskLimits.MaxTags, TaskLimits.MaxTagLength),
        Paused = JsonBody.OptionalBoolean(body, "paused"),
    };

    public NewSchedule ToNewSchedule() =>
        new(FunctionName, Interval, Cron, TimeZone, Data?.GetRawText(), Priority, StartTimestamp, Tags, Paused ?? false);
}
