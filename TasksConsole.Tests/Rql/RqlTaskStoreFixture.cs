using TasksConsole.Core.Data;
using TasksConsole.Core.Tasks;
using TasksConsole.Tests.Infrastructure;

namespace TasksConsole.Tests.Rql;

/// <summary>
/// A migrated store (SQLite; PostgreSQL in <see cref="PostgreSqlRqlTaskStoreFixture"/>) seeded with six tasks whose
/// fields differ just enough to tell every operator apart. The tests only read, so one store serves the whole class.
/// </summary>
public class RqlTaskStoreFixture : IAsyncLifetime
{
    private TestDatabase _database = null!;

    protected virtual StorageProvider Provider => StorageProvider.Sqlite;

    public static string Id(int n) => n.ToString("x24");

    public TasksDbContext CreateContext() => _database.CreateContext();

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(Provider);
        await using var db = CreateContext();

        // Inserted out of id order, and 3 and 4 share a creation time, so order-by-accident cannot pass a sort test.
        db.Tasks.AddRange(
            Task(4, "report", -3, TaskState.Retried, [], Day(3), user: "user2", error: ("runtime", null, "Timed out"), retriedBy: Id(5)),
            Task(3, "my func (v1)", 10, TaskState.Failed, ["a b", "100%_done"], Day(3), error: ("runtime", "TypeError", "boom")),
            Task(6, "Report", 7, TaskState.Canceled, ["100x_done", "a\\b"], Day(5), retryFor: [Id(4), Id(5)], schedule: "sched1"),
            Task(1, "send-mail", 0, TaskState.New, ["alpha", "Beta"], Day(1), user: "user1"),
            Task(5, "report", 5, TaskState.Complete, ["gamma", "alpha"], Day(4), retryFor: [Id(4)]),
            Task(2, "send-mail", 5, TaskState.InProgress, ["beta"], Day(2), user: "user1"));
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    /// <summary>Midnight UTC on the given day of January 2024.</summary>
    public static DateTimeOffset Day(int day) => new(2024, 1, day, 0, 0, 0, TimeSpan.Zero);

    private static TaskRecord Task(
        int n, string functionName, long priority, TaskState status, string[] tags, DateTimeOffset created,
        string? user = null, (string Type, string? Name, string Message)? error = null, string? retriedBy = null,
        List<string>? retryFor = null, string? schedule = null)
    {
        var task = new TaskRecord
        {
            Id = Id(n),
            FunctionName = functionName,
            Priority = priority,
            Status = status,
            CreationTimestamp = created,
            UpdateTimestamp = created.AddHours(1),
            StatusChangedTimestamp = created.AddHours(1),
            StartTimestamp = created.AddMonths(1),
            CreatedByUserId = user,
            RetriedByTaskId = retriedBy,
            RetryForTaskIds = retryFor ?? [],
            ScheduleId = schedule,
        };
        task.SetTags(tags);
        if (error is { } e) task.SetError(e.Type, e.Name, e.Message);
        return task;
    }
}

/// <summary>The same six tasks in a PostgreSQL database of their own.</summary>
public sealed class PostgreSqlRqlTaskStoreFixture : RqlTaskStoreFixture
{
    protected override StorageProvider Provider => StorageProvider.PostgreSql;
}
