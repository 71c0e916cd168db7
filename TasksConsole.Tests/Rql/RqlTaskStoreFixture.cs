using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using TasksConsole.Core.Data;
using TasksConsole.Core.Tasks;

namespace TasksConsole.Tests.Rql;

/// <summary>
/// A migrated SQLite file seeded with six tasks whose fields differ just enough to tell every operator apart.
/// The tests only read, so one store serves the whole class.
/// </summary>
public sealed class RqlTaskStoreFixture : IAsyncLifetime
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"tasksconsole-rql-{Guid.NewGuid():N}.db");

    public DbContextOptions<TasksDbContext> Options { get; private set; } = null!;

    public static string Id(int n) => n.ToString("x24");

    public TasksDbContext CreateContext() => new(Options);

    public async Task InitializeAsync()
    {
        Options = new DbContextOptionsBuilder<TasksDbContext>().UseSqlite($"Data Source={_path}").Options;
        await using var db = CreateContext();
        await db.Database.MigrateAsync();

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

    public Task DisposeAsync()
    {
        SqliteConnection.ClearPool(new SqliteConnection($"Data Source={_path}"));
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_path + suffix);
        }
        return System.Threading.Tasks.Task.CompletedTask;
    }

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
