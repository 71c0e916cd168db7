using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TasksConsole.Core.Data;
using TasksConsole.Core.Execution;

namespace TasksConsole.Tests.Execution;

/// <summary>The dispatcher's queue read: due, unclaimed tasks in queue order, however many priority levels there are.</summary>
public sealed class TaskClaimerTests
{
    [Theory]
    [InlineData(StorageProvider.Sqlite, 3)]
    [InlineData(StorageProvider.Sqlite, 40)] // more levels than one round walks level by level: the rest comes from the sorted fallback
    [InlineData(StorageProvider.PostgreSql, 3)]
    [InlineData(StorageProvider.PostgreSql, 40)]
    public async Task Candidates_AreTheDueUnclaimedTasks_InQueueOrder(StorageProvider provider, int priorityLevels)
    {
        await using var engine = await EngineHarness.CreateAsync(startDispatcher: false, provider: provider);
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

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.PostgreSql)]
    public async Task Claimers_racing_for_the_same_tasks_never_both_win_one(StorageProvider provider)
    {
        await using var engine = await EngineHarness.CreateAsync(startDispatcher: false, provider: provider);
        await engine.AddFunctionAsync("work");
        var now = DateTimeOffset.UtcNow;
        var ids = new List<string>();
        for (var i = 0; i < 200; i++) ids.Add((await engine.ScheduleAsync("work", priority: 0, start: now.AddSeconds(-1))).Id);
        var claimer = engine.Services.GetRequiredService<TaskClaimer>();

        // Four claimers, each over every id in its own order, in slices as the dispatcher claims.
        var won = await Task.WhenAll(Enumerable.Range(0, 4).Select(n => Task.Run(async () =>
        {
            var mine = new List<string>();
            var order = n % 2 == 0 ? ids : Enumerable.Reverse(ids).ToList();
            foreach (var slice in order.Chunk(25))
            {
                mine.AddRange(await claimer.ClaimAsync(slice, $"node{n}:claim", now, CancellationToken.None));
            }
            return mine;
        })));

        var all = won.SelectMany(w => w).ToList();
        Assert.Equal(ids.Count, all.Count);
        Assert.Equal(ids.Order(StringComparer.Ordinal), all.Order(StringComparer.Ordinal));
        Assert.Empty(await claimer.FindCandidatesAsync(now, limit: 1_000, [], CancellationToken.None));
    }

    [Fact]
    public async Task Starting_a_claim_waits_for_a_row_another_transaction_holds_instead_of_skipping_it()
    {
        await using var engine = await EngineHarness.CreateAsync(startDispatcher: false, provider: StorageProvider.PostgreSql);
        await engine.AddFunctionAsync("work");
        var now = DateTimeOffset.UtcNow;
        var task = await engine.ScheduleAsync("work", priority: 0, start: now.AddSeconds(-1));
        var claimer = engine.Services.GetRequiredService<TaskClaimer>();
        Assert.Single(await claimer.ClaimAsync([task.Id], "node-a:claim", now, CancellationToken.None));

        // Another node's claim statement that looked at the row keeps it locked until its transaction ends.
        string connectionString;
        await using (var db = await engine.Services.GetRequiredService<IDbContextFactory<TasksDbContext>>().CreateDbContextAsync())
        {
            connectionString = db.Database.GetConnectionString()!;
        }
        await using var other = new Npgsql.NpgsqlConnection(connectionString);
        await other.OpenAsync();
        await using var otherTransaction = await other.BeginTransactionAsync();
        await using (var lockRow = new Npgsql.NpgsqlCommand("SELECT 1 FROM \"Tasks\" WHERE \"Id\" = @id FOR UPDATE", other, otherTransaction))
        {
            lockRow.Parameters.AddWithValue("id", task.Id);
            await lockRow.ExecuteScalarAsync();
        }

        var starting = claimer.StartAsync([task.Id], "node-a:claim", now, CancellationToken.None);
        await using (var watcher = new Npgsql.NpgsqlConnection(connectionString))
        {
            await watcher.OpenAsync();
            await Infrastructure.Poll.UntilAsync(async () =>
            {
                if (starting.IsCompleted) return true;
                await using var waiting = new Npgsql.NpgsqlCommand(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'", watcher);
                return (long)(await waiting.ExecuteScalarAsync())! > 0;
            }, TimeSpan.FromSeconds(30), "the start to wait for the row lock");
        }
        await otherTransaction.CommitAsync();

        Assert.Equal([task.Id], await starting);
    }
}
