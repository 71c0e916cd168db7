using Microsoft.EntityFrameworkCore;
using TasksConsole.Core.Data;
using TasksConsole.Core.Tasks;
using TasksConsole.Tests.Infrastructure;

namespace TasksConsole.Tests.Tasks;

/// <summary>Concurrent creates share transactions, and each caller still learns the fate of its own task, on both stores.</summary>
public sealed class TaskInsertBatcherTests
{
    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.PostgreSql)]
    public async Task ConcurrentInserts_AreAllCommitted_WithTheirTags(StorageProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var service = new TaskService(database.Factory, TimeProvider.System, new TaskChangeFeed());
        var batcher = new TaskInsertBatcher(database.Factory);
        var tasks = Enumerable.Range(0, 200)
            .Select(i => service.BuildTask(new NewTask("echo", Tags: [$"t{i % 7}", "all"]), Caller.System))
            .ToList();

        await Task.WhenAll(tasks.Select(task => Task.Run(() => batcher.InsertAsync(task))));

        await using var db = database.CreateContext();
        Assert.Equal(tasks.Select(t => t.Id).Order(), await db.Tasks.Select(t => t.Id).OrderBy(id => id).ToListAsync());
        Assert.Equal(200, await db.TaskTags.CountAsync(t => t.Tag == "all"));
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.PostgreSql)]
    public async Task ARowThatCannotBeInserted_FailsOnlyItsOwnCaller(StorageProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var service = new TaskService(database.Factory, TimeProvider.System, new TaskChangeFeed());
        var batcher = new TaskInsertBatcher(database.Factory);
        var existing = service.BuildTask(new NewTask("echo"), Caller.System);
        await batcher.InsertAsync(existing);

        var good = Enumerable.Range(0, 50).Select(_ => service.BuildTask(new NewTask("echo"), Caller.System)).ToList();
        var duplicate = service.BuildTask(new NewTask("echo"), Caller.System);
        duplicate.Id = existing.Id;
        var inserts = good.Select(task => Task.Run(() => batcher.InsertAsync(task)))
            .Append(Task.Run(() => batcher.InsertAsync(duplicate)))
            .ToList();

        // The duplicate id breaks the primary key (on PostgreSQL, inside a batch sent in one round trip).
        var error = await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => inserts[^1]);
        Assert.Contains(error.SqlState ?? "19", new[] { "23505", "19" });
        await Task.WhenAll(inserts.SkipLast(1));
        await using var db = database.CreateContext();
        Assert.Equal(51, await db.Tasks.CountAsync());
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.PostgreSql)]
    public async Task InsertedRows_ReadBackThroughEf_AsTheyWereBuilt(StorageProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var service = new TaskService(database.Factory, TimeProvider.System, new TaskChangeFeed());
        var batcher = new TaskInsertBatcher(database.Factory);
        var task = service.BuildTask(new NewTask(
            "echo", """{"n":1,"text":"é \"quoted\""}""", Priority: -7, StartTimestamp: DateTimeOffset.UtcNow.AddHours(3),
            Tags: ["ünïcode tag", "with,comma"], ScheduleId: "5f0000000000000000000001"), new Caller("5f00000000000000000000aa", "app-1"));
        task.RetryForTaskIds = ["5f0000000000000000000002", "5f0000000000000000000003"];

        await batcher.InsertAsync(task);

        await using var db = database.CreateContext();
        var stored = await db.Tasks.AsNoTracking().Include(t => t.TagIndex).SingleAsync();
        Assert.Equivalent(task, stored, strict: true);
        Assert.Equal(2, await db.TaskTags.CountAsync(t => t.TaskId == task.Id && t.Status == TaskState.New && t.Priority == -7));
    }
}
