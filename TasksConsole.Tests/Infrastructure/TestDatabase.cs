using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TasksConsole.Core.Data;

namespace TasksConsole.Tests.Infrastructure;

/// <summary>A migrated SQLite file in the temp folder, with the production pragmas, deleted on dispose.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"tasksconsole-db-{Guid.NewGuid():N}");
    private readonly ServiceProvider _services;

    private TestDatabase()
    {
        _services = CoreBuilder.WithStoreAt(_directory, "test.db").AddStorageCore().Services.BuildServiceProvider();
        Factory = _services.GetRequiredService<IDbContextFactory<TasksDbContext>>();
    }

    public IDbContextFactory<TasksDbContext> Factory { get; }

    public static async Task<TestDatabase> CreateAsync()
    {
        var database = new TestDatabase();
        await database._services.MigrateTasksStoreAsync();
        return database;
    }

    public TasksDbContext CreateContext() => Factory.CreateDbContext();

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
