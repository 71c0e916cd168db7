using Microsoft.Extensions.DependencyInjection;
using TasksConsole.Core.Execution;

namespace TasksConsole.Tests.Execution;

/// <summary>The dispatcher's queue read: due, unclaimed tasks in queue order, however many priority levels there are.</summary>
public sealed class TaskClaimerTests
{
    [Theory]
    [InlineData(3)]
    [InlineData(40)] // more levels than one round walks level by level: the rest comes from the sorted fallback
    public async Task Candidates_AreTheDueUnclaimedTasks_InQueueOrder(int priorityLevels)
    {
        await using var engine = await EngineHarness.CreateAsync(startDispatcher: false);
        await engine.AddFunctionAsync("work");
        await engine.AddFunctionAsync("held");
        var now = DateTimeOffset.UtcNow;
        var due = new List<(string Id, long Priority, DateTimeOffset Start)>();
        for (var i = 0; i < priorityLevels * 3; i++)
        {
            // Levels interleave in creation order, priorities include negatives, starts repeat within a level.
            var priority = (long)(i % priorityLevels) - priorityLevels / 2;
            var start = now.AddSeconds(-(i % 5));
            var task = await engine.ScheduleAsync("work", priority, start);
            due.Add((task.Id, priority, task.StartTimestamp));
        }
        // Never candidates: a future task above every level, a claimed task, a task of an excluded function.
        await engine.ScheduleAsync("work", priority: 1_000, start: now.AddHours(1));
        var claimer = engine.Services.GetRequiredService<TaskClaimer>();
        var claimed = due[0];
        Assert.Single(await claimer.ClaimAsync([claimed.Id], "elsewhere:claim", now, CancellationToken.None));
        await engine.ScheduleAsync("held", priority: 500, start: now.AddSeconds(-1));

        var candidates = await claimer.FindCandidatesAsync(now, limit: 1_000, ["held"], CancellationToken.None);

        var expected = due.Where(t => t.Id != claimed.Id)
            .OrderByDescending(t => t.Priority).ThenBy(t => t.Start).ThenBy(t => t.Id)
            .Select(t => t.Id).ToList();
        Assert.Equal(expected, candidates.Select(c => c.Id).ToList());

        var firstFive = await claimer.FindCandidatesAsync(now, limit: 5, ["held"], CancellationToken.None);
        Assert.Equal(expected.Take(5), firstFive.Select(c => c.Id));
    }
}
