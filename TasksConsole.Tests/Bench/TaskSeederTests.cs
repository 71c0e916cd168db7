using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TasksConsole.Bench.Infrastructure;
using TasksConsole.Core.Common;
using TasksConsole.Core.Data;
using TasksConsole.Core.Tasks;

namespace TasksConsole.Tests.Bench;

/// <summary>
/// The bench writes rows with raw SQL for speed; these tests hold it to what EF writes, so that the list figures
/// are measured on the data the application really has.
/// </summary>
public sealed class TaskSeederTests : IAsyncLifetime
{
    private const int Count = 600;
    private readonly string directory = Path.Combine(Path.GetTempPath(), $"tasksconsole-seeder-{Guid.NewGuid():N}");
    private ServiceProvider services = null!;
    private SeedReport report = null!;

    private string DatabasePath => Path.Combine(directory, TaskSeeder.DatabaseFileName);

    public async Task InitializeAsync()
    {
        await TaskSeeder.MigrateAsync(directory, CancellationToken.None);
        report = TaskSeeder.Seed(DatabasePath, new SeedProfile(), Count, DateTimeOffset.UtcNow, seed: 1, CancellationToken.None);
        services = StoreServices.Build(directory, core => core.AddTasksCore());
    }

    public async Task DisposeAsync()
    {
        await services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task SeededTasks_ReadBackThroughEf_WithTheirTagIndexInStep()
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<TasksDbContext>>().CreateDbContextAsync();
        var tasks = await db.Tasks.AsNoTracking().Include(t => t.TagIndex).OrderBy(t => t.Id).ToListAsync();

        Assert.Equal(Count, tasks.Count);
        Assert.Equal(report.TagRows, tasks.Sum(t => t.TagIndex.Count));
        Assert.Equal(tasks.OrderBy(t => t.CreationTimestamp).Select(t => t.Id), tasks.Select(t => t.Id));
        foreach (var task in tasks)
        {
            Assert.True(ObjectId.IsValid(task.Id));
            Assert.InRange(task.Tags.Count, 1, 3);
            Assert.Equal(task.Tags.Order(), task.TagIndex.Select(t => t.Tag).Order());
            Assert.All(task.TagIndex, tag =>
            {
                Assert.Equal(task.Status, tag.Status);
                Assert.Equal(task.Priority, tag.Priority);
                Assert.Equal(task.StartTimestamp, tag.StartTimestamp);
            });
            Assert.Empty(task.RetryForTaskIds);
        }
        Assert.All(Enum.GetValues<TaskState>(), state => Assert.Contains(tasks, t => t.Status == state));
        Assert.All(tasks.Where(t => t.Status == TaskState.New), t => Assert.True(t.StartTimestamp > DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task SeededRows_HaveTheStorageTypesOfARowEfWrote()
    {
        var created = await services.GetRequiredService<TaskService>().CreateAsync(
            new NewTask("reference", """{"a":1}""", 3, DateTimeOffset.UtcNow.AddDays(1), ["x", "y"]), new Caller("be4c0f5eed0000000000a001", null));
        await using var connection = new SqliteConnection($"Data Source={DatabasePath}");
        await connection.OpenAsync();
        var seededNew = await ScalarAsync(connection, "SELECT Id FROM Tasks WHERE Status = 'New' AND Id <> $id LIMIT 1", created.Id);

        var efTypes = await StorageTypesAsync(connection, "Tasks", "Id", created.Id);
        var seededTypes = await StorageTypesAsync(connection, "Tasks", "Id", seededNew);
        Assert.Equal(efTypes, seededTypes);
        Assert.Equal(
            await StorageTypesAsync(connection, "TaskTags", "TaskId", created.Id),
            await StorageTypesAsync(connection, "TaskTags", "TaskId", seededNew));
        Assert.Equal("New", await ScalarAsync(connection, "SELECT Status FROM Tasks WHERE Id = $id", created.Id));
        Assert.Equal("""["x","y"]""", await ScalarAsync(connection, "SELECT Tags FROM Tasks WHERE Id = $id", created.Id));
        Assert.Matches("""^\["[a-z]+-\d\d"(,"[a-z]+-\d\d"){0,2}\]$""", await ScalarAsync(connection, "SELECT Tags FROM Tasks WHERE Id = $id", seededNew));
    }

    /// <summary>The storage class of every column of one row (NULL columns included, as the two rows are both new tasks).</summary>
    private static async Task<List<string>> StorageTypesAsync(SqliteConnection connection, string table, string key, string id)
    {
        var columns = new List<string>();
        await using (var info = connection.CreateCommand())
        {
            info.CommandText = $"SELECT name FROM pragma_table_info('{table}') ORDER BY cid";
            await using var reader = await info.ExecuteReaderAsync();
            while (await reader.ReadAsync()) columns.Add(reader.GetString(0));
        }
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {string.Join(", ", columns.Select(c => $"'{c}=' || typeof(\"{c}\")"))} FROM {table} WHERE {key} = $id LIMIT 1";
        command.Parameters.AddWithValue("$id", id);
        await using var row = await command.ExecuteReaderAsync();
        Assert.True(await row.ReadAsync());
        return Enumerable.Range(0, columns.Count).Select(row.GetString).ToList();
    }

    private static async Task<string> ScalarAsync(SqliteConnection connection, string sql, string id)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$id", id);
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
