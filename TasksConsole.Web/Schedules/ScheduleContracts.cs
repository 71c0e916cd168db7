using System.Text.Json;
using TasksConsole.Core.Schedules;
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

/// <summary>The create body, for the OpenAPI document (the handler reads the JSON itself to report EXH error codes).</summary>
public sealed record CreateScheduleRequest(
    string FunctionName,
    long? Interval,
    string? Cron,
    string? TimeZone,
    JsonElement? Data,
    long? Priority,
    DateTimeOffset? StartTimestamp,
    IReadOnlyList<string>? Tags,
    bool? Paused);
