using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TasksConsole.Core.Data;
using TasksConsole.Core.Tasks;

namespace TasksConsole.Core.Schedules;

/// <summary>
/// Fires due schedules: one per node. Each due slot becomes one ordinary task (the schedule's function, data,
/// priority and tags; start = the slot; <c>scheduleId</c> set), created in the same transaction as an UPDATE that
/// moves the schedule's <c>nextTimestamp</c> on, guarded by its old value. Of two nodes racing for a slot, only
/// the one whose UPDATE matched creates the task; a crash between the two leaves neither.
/// </summary>
/// <remarks>
/// It sleeps until the earliest <c>nextTimestamp</c>, a <see cref="ScheduleWakeSignal"/> (a schedule created or
/// resumed on this node), or <see cref="FallbackPoll"/>, which is how schedules created on another node are
/// noticed. After downtime a schedule fires once for its overdue slot and then moves to the first slot after now.
/// </remarks>
public sealed class ScheduleFiringService(
    IDbContextFactory<TasksDbContext> dbFactory,
    TaskService tasks,
    TimeProvider clock,
    ScheduleWakeSignal wake,
    ILogger<ScheduleFiringService> logger) : BackgroundService
{
    public static readonly TimeSpan FallbackPoll = TimeSpan.FromSeconds(1);

    /// <summary>Due schedules read per query; a full batch is followed at once by the next one.</summary>
    internal const int BatchSize = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var delay = FallbackPoll;
            try
            {
                await FireDueAsync(stoppingToken);
                if (await NextDueAsync(stoppingToken) is { } next)
                {
                    var untilNext = next - clock.GetUtcNow();
                    if (untilNext < delay) delay = untilNext < TimeSpan.Zero ? TimeSpan.Zero : untilNext;
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Firing schedules failed; retrying in {Delay}", FallbackPoll);
            }

            try
            {
                await wake.WaitAsync(delay, clock, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>Fires every schedule due now, one task per schedule; returns how many tasks this node created.</summary>
    public async Task<int> FireDueAsync(CancellationToken cancellationToken = default)
    {
        var fired = 0;
        while (true)
        {
            var now = clock.GetUtcNow();
            List<ScheduleRecord> due;
            await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
            {
                due = await db.Schedules.AsNoTracking()
                    .Where(s => !s.Paused && s.NextTimestamp <= now)
                    .OrderBy(s => s.NextTimestamp)
                    .Take(BatchSize)
                    .ToListAsync(cancellationToken);
            }
            var firedInBatch = 0;
            foreach (var schedule in due)
            {
                if (await FireAsync(schedule, now, cancellationToken)) firedInBatch++;
            }
            fired += firedInBatch;

            // A full batch may hide more due schedules. One that fired nothing was taken by another node (which
            // goes on with the rest) or could not be moved on; the next wake-up retries either way, without spinning.
            if (due.Count < BatchSize || firedInBatch == 0) return fired;
        }
    }

    private async Task<bool> FireAsync(ScheduleRecord schedule, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var slot = schedule.NextTimestamp;
        DateTimeOffset? next;
        try
        {
            next = ScheduleCalculator.NextAfter(ScheduleTiming.From(schedule), now);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Schedule {ScheduleId} has an unusable timing; pausing it", schedule.Id);
            await AdvanceAsync(schedule.Id, slot, next: null, cancellationToken);
            return false;
        }

        var input = schedule.FiringTask(slot);
        try
        {
            var task = await tasks.CreateGuardedAsync(input, Caller.System,
                (db, ct) => ClaimAsync(db, schedule.Id, slot, next, ct), cancellationToken);
            if (task is null) return false;
            if (next is null) logger.LogWarning("Schedule {ScheduleId} has no firing left; paused it", schedule.Id);
            return true;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Skip the slot rather than retry it on every poll: a schedule that cannot make its task would
            // otherwise fail in a loop.
            logger.LogError(ex, "Schedule {ScheduleId} could not create its task for {Slot}; skipping that slot", schedule.Id, slot);
            await AdvanceAsync(schedule.Id, slot, next, cancellationToken);
            return false;
        }
    }

    /// <summary>Moves the schedule past <paramref name="slot"/> if nobody did yet; a null <paramref name="next"/> pauses it.</summary>
    private static async Task<bool> ClaimAsync(TasksDbContext db, string id, DateTimeOffset slot, DateTimeOffset? next, CancellationToken cancellationToken)
    {
        var claimed = db.Schedules.Where(s => s.Id == id && s.NextTimestamp == slot && !s.Paused);
        var updated = next is { } nextSlot
            ? await claimed.ExecuteUpdateAsync(set => set
                .SetProperty(s => s.NextTimestamp, nextSlot)
                .SetProperty(s => s.LastFiredTimestamp, slot), cancellationToken)
            : await claimed.ExecuteUpdateAsync(set => set
                .SetProperty(s => s.Paused, true)
                .SetProperty(s => s.LastFiredTimestamp, slot), cancellationToken);
        return updated == 1;
    }

    private async Task AdvanceAsync(string id, DateTimeOffset slot, DateTimeOffset? next, CancellationToken cancellationToken)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            await ClaimAsync(db, id, slot, next, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(ex, "Could not move schedule {ScheduleId} past {Slot}", id, slot);
        }
    }

    private async Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Schedules.AsNoTracking()
            .Where(s => !s.Paused)
            .OrderBy(s => s.NextTimestamp)
            .Select(s => (DateTimeOffset?)s.NextTimestamp)
            .FirstOrDefaultAsync(cancellationToken);
    }
}
