using Microsoft.EntityFrameworkCore;
using TasksConsole.Core.Common;
using TasksConsole.Core.Data;
using TasksConsole.Core.Rql;
using TasksConsole.Core.Tasks;
using TasksConsole.Core.Audit;

namespace TasksConsole.Core.Schedules;

/// <summary>Bounds on schedules. EXH documents none; these are ours (see docs/functions-and-schedules.md).</summary>
public static class ScheduleLimits
{
    public const long MinIntervalSeconds = 1;

    /// <summary>Ten years: far beyond any real use, and it keeps slot arithmetic clear of overflow.</summary>
    public const long MaxIntervalSeconds = 10L * 366 * 24 * 60 * 60;

    public const int MaxCronLength = 256;
    public const int MaxTimeZoneLength = 64;
    public const int DefaultPreviewCount = 10;
    public const int MaxPreviewCount = 100;
    public const int DefaultLimit = 20;
    public const int MaxLimit = 50;
}

/// <summary>
/// A schedule as a caller asks for it: exactly one of <see cref="IntervalSeconds"/> (EXH) and <see cref="Cron"/>
/// (with an optional IANA <see cref="TimeZone"/>); the rest becomes each firing's task.
/// </summary>
public sealed record NewSchedule(
    string FunctionName,
    long? IntervalSeconds = null,
    string? Cron = null,
    string? TimeZone = null,
    string? DataJson = null,
    long? Priority = null,
    DateTimeOffset? StartTimestamp = null,
    IReadOnlyList<string>? Tags = null,
    bool Paused = false);

/// <summary>A page of schedules with the paging values actually applied.</summary>
public sealed record SchedulePage(IReadOnlyList<ScheduleRecord> Schedules, long? Total, int Offset, int Limit);

/// <summary>
/// Creating, listing, pausing and deleting schedules, and firing one once on demand, shared by the REST API and the
/// console. Regular firing is <see cref="ScheduleFiringService"/>'s job; this service wakes it when a schedule may have
/// become due sooner.
/// </summary>
public sealed class ScheduleService(
    IDbContextFactory<TasksDbContext> dbFactory, TimeProvider clock, TaskService tasks, ScheduleWakeSignal wake, AuditTrail? audit = null)
{
    public async Task<ScheduleRecord> CreateAsync(NewSchedule input, Caller caller, CancellationToken cancellationToken = default)
    {
        var schedule = Build(input, caller);
        await tasks.EnsureRegisteredAsync(schedule.FunctionName, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.Schedules.Add(schedule);
        await db.SaveChangesAsync(cancellationToken);
        if (!schedule.Paused) wake.Wake();
        audit?.Record(AuditActions.ScheduleCreate, "schedule", schedule.Id, $"Created schedule {schedule.Id} of {schedule.FunctionName}.");
        return schedule;
    }

    /// <summary>Validates the input and builds the row (with its first firing); throws <see cref="ServiceException"/> on bad input.</summary>
    public ScheduleRecord Build(NewSchedule input, Caller caller)
    {
        if (string.IsNullOrEmpty(input.FunctionName))
        {
            throw new ServiceException(ErrorCode.MissingRequiredFields, "Field 'functionName' is required.");
        }
        var now = clock.GetStoredNow();
        var start = (input.StartTimestamp ?? now).ToStoredPrecision();
        var timing = Timing(input, start);

        // Every firing's task is built from these fields: checking them as a task now means a firing can never
        // fail validation later.
        var template = tasks.BuildTask(new NewTask(input.FunctionName, input.DataJson, input.Priority ?? 0, start, input.Tags), caller);

        var first = ScheduleCalculator.Initial(timing, now)
            ?? throw new ServiceException(ErrorCode.FieldFormat, "Field 'cron' never matches a date after the start.");
        return new ScheduleRecord
        {
            Id = ObjectId.NewId(clock),
            FunctionName = input.FunctionName,
            DataJson = template.DataJson,
            Priority = input.Priority,
            Tags = template.Tags,
            IntervalSeconds = input.IntervalSeconds,
            CronExpression = string.IsNullOrWhiteSpace(input.Cron) ? null : input.Cron.Trim(),
            TimeZone = string.IsNullOrEmpty(input.TimeZone) ? null : input.TimeZone,
            StartTimestamp = start,
            NextTimestamp = first,
            Paused = input.Paused,
            CreatedByUserId = caller.UserId,
            CreationTimestamp = now,
            UpdateTimestamp = now,
        };
    }

    public async Task<ScheduleRecord?> FindByIdAsync(string id, CancellationToken cancellationToken = default)
    {
        if (!ObjectId.IsValid(id)) return null;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Schedules.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, cancellationToken);
    }

    /// <summary>The schedule; ID_FORMAT for a malformed id, RESOURCE_UNKNOWN for an unknown one.</summary>
    public async Task<ScheduleRecord> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        TaskService.EnsureId(id);
        return await FindByIdAsync(id, cancellationToken) ?? throw UnknownSchedule(id);
    }

    public async Task<SchedulePage> FindAsync(RqlQuery query, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var page = await db.Schedules.PageAsync(query, ScheduleRqlFields.Map, ScheduleLimits.DefaultLimit, ScheduleLimits.MaxLimit, cancellationToken);
        return new SchedulePage(page.Items, page.Total, page.Offset, page.Limit);
    }

    /// <summary>Deletes the schedule; the tasks it already created stay.</summary>
    public async Task<int> DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        TaskService.EnsureId(id);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var deleted = await db.Schedules.Where(s => s.Id == id).ExecuteDeleteAsync(cancellationToken);
        if (deleted == 0) throw UnknownSchedule(id);
        audit?.Record(AuditActions.ScheduleDelete, "schedule", id, $"Deleted schedule {id}.");
        return deleted;
    }

    /// <summary>Stops firing until resumed. Returns the rows actually changed: 0 when it was already paused.</summary>
    public async Task<int> PauseAsync(string id, CancellationToken cancellationToken = default)
    {
        TaskService.EnsureId(id);
        var now = clock.GetStoredNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var changed = await db.Schedules
            .Where(s => s.Id == id && !s.Paused)
            .ExecuteUpdateAsync(set => set
                .SetProperty(s => s.Paused, true)
                .SetProperty(s => s.UpdateTimestamp, now), cancellationToken);
        if (changed == 0 && !await db.Schedules.AnyAsync(s => s.Id == id, cancellationToken)) throw UnknownSchedule(id);
        if (changed > 0) audit?.Record(AuditActions.SchedulePause, "schedule", id, $"Paused schedule {id}.");
        return changed;
    }

    /// <summary>
    /// Fires again from the next slot after now: the slots missed while paused are skipped, not caught up.
    /// Returns the rows actually changed: 0 when it was not paused.
    /// </summary>
    public async Task<int> ResumeAsync(string id, CancellationToken cancellationToken = default)
    {
        var schedule = await GetAsync(id, cancellationToken);
        if (!schedule.Paused) return 0;

        var now = clock.GetStoredNow();
        var next = NextFrom(schedule, now)
            ?? throw new ServiceException(ErrorCode.IllegalState, $"Schedule {id} has no firing left to resume.");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var changed = await db.Schedules
            .Where(s => s.Id == id && s.Paused)
            .ExecuteUpdateAsync(set => set
                .SetProperty(s => s.Paused, false)
                .SetProperty(s => s.NextTimestamp, next)
                .SetProperty(s => s.UpdateTimestamp, now), cancellationToken);
        if (changed > 0)
        {
            wake.Wake();
            audit?.Record(AuditActions.ScheduleResume, "schedule", id, $"Resumed schedule {id}.");
        }
        return changed;
    }

    /// <summary>
    /// Fires the schedule once, now, as an extra firing: one task as a regular firing builds it, starting now, whose
    /// creator is <paramref name="caller"/> (a person chose to run it, unlike a regular firing). The schedule itself
    /// is left as it is, so its next regular slot neither moves nor is skipped, and a paused schedule fires as well.
    /// Null when there is no such schedule; ID_FORMAT for a malformed id.
    /// </summary>
    /// <remarks>
    /// The task is not claimed against the schedule row as a regular slot is: there is no slot to take twice, and a
    /// schedule deleted between the read and the insert leaves its task behind, as deleting after the firing would.
    /// </remarks>
    public async Task<TaskRecord?> FireNowAsync(string id, Caller caller, CancellationToken cancellationToken = default)
    {
        TaskService.EnsureId(id);
        if (await FindByIdAsync(id, cancellationToken) is not { } schedule) return null;
        var task = await tasks.CreateAsync(schedule.FiringTask(start: null), caller, cancellationToken);
        audit?.Record(AuditActions.ScheduleFire, "schedule", id, $"Fired schedule {id} now: task {task.Id}.", new { taskId = task.Id });
        return task;
    }

    /// <summary>The schedule's next <paramref name="count"/> firings from now on (as if resumed, when paused).</summary>
    public async Task<IReadOnlyList<DateTimeOffset>> PreviewAsync(string id, int count, CancellationToken cancellationToken = default)
    {
        EnsurePreviewCount(count);
        var schedule = await GetAsync(id, cancellationToken);
        var first = NextFrom(schedule, clock.GetStoredNow());
        return first is null ? [] : ScheduleCalculator.Upcoming(ScheduleTiming.From(schedule), first.Value, count);
    }

    /// <summary>The first <paramref name="count"/> firings a schedule created now from <paramref name="draft"/> would have.</summary>
    public IReadOnlyList<DateTimeOffset> Preview(NewSchedule draft, int count)
    {
        EnsurePreviewCount(count);
        var schedule = Build(draft, Caller.System);
        return ScheduleCalculator.Upcoming(ScheduleTiming.From(schedule), schedule.NextTimestamp, count);
    }

    /// <summary>The stored next firing, or the first one after now when that is already past.</summary>
    private static DateTimeOffset? NextFrom(ScheduleRecord schedule, DateTimeOffset now) =>
        schedule.NextTimestamp >= now ? schedule.NextTimestamp : ScheduleCalculator.NextAfter(ScheduleTiming.From(schedule), now);

    private static ScheduleTiming Timing(NewSchedule input, DateTimeOffset start)
    {
        var hasCron = !string.IsNullOrWhiteSpace(input.Cron);
        switch (input.IntervalSeconds, hasCron)
        {
            case (null, false):
                throw new ServiceException(ErrorCode.MissingRequiredFields, "Field 'interval' (seconds) is required, or 'cron' instead.");
            case (not null, true):
                throw new ServiceException(ErrorCode.FieldFormat, "Give either 'interval' or 'cron', not both.");
            case ({ } seconds, false):
                if (seconds is < ScheduleLimits.MinIntervalSeconds or > ScheduleLimits.MaxIntervalSeconds)
                {
                    throw new ServiceException(ErrorCode.FieldFormat,
                        $"Field 'interval' must be between {ScheduleLimits.MinIntervalSeconds} and {ScheduleLimits.MaxIntervalSeconds} seconds.");
                }
                if (!string.IsNullOrEmpty(input.TimeZone))
                {
                    throw new ServiceException(ErrorCode.FieldFormat, "Field 'timeZone' applies to 'cron' schedules only.");
                }
                return ScheduleTiming.Interval(start, seconds);
            default:
                if (input.TimeZone is { Length: > ScheduleLimits.MaxTimeZoneLength })
                {
                    throw new ServiceException(ErrorCode.FieldFormat, $"Field 'timeZone' is longer than {ScheduleLimits.MaxTimeZoneLength} characters.");
                }
                return ScheduleTiming.ForCron(start, input.Cron!, input.TimeZone);
        }
    }

    private static void EnsurePreviewCount(int count)
    {
        if (count is < 1 or > ScheduleLimits.MaxPreviewCount)
        {
            throw new ServiceException(ErrorCode.FieldFormat, $"'count' must be between 1 and {ScheduleLimits.MaxPreviewCount}.");
        }
    }

    /// <summary>RESOURCE_UNKNOWN (404) for a schedule id that names none.</summary>
    public static ServiceException UnknownSchedule(string id) => new(ErrorCode.ResourceUnknown, $"No schedule with id {id}.");

}
