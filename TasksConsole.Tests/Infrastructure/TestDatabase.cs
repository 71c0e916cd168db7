using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TasksConsole.Core.Data;

namespace TasksConsole.Tests.Infrastructure;

/// <summary>
/// A migrated store, deleted on dispose: a SQLite file in the temp folder with the production pragmas, or a
/// database of its own on the test PostgreSQL server (<see cref="PostgresServer"/>).
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"tasksconsole-db-{Guid.NewGuid():N}");
    private readonly ServiceProvider _services;
    private readonly PostgresDatabase? _postgres;

    private TestDatabase(PostgresDatabase? postgres)
    {
        _postgres = postgres;
        var builder = postgres is null
            ? CoreBuilder.WithStoreAt(_directory, "test.db")
            : CoreBuilder.WithPostgreSql(postgres.ConnectionString);
        _services = builder.AddStorageCore().Services.BuildServiceProvider();
        Factory = _services.GetRequiredService<IDbContextFactory<TasksDbContext>>();
    }

    public IDbContextFactory<TasksDbContext> Factory { get; }

    public StorageProvider Provider => _postgres is null ? StorageProvider.Sqlite : StorageProvider.PostgreSql;

    public static async Task<TestDatabase> CreateAsync(StorageProvider provider = StorageProvider.Sqlite)
    {
        var postgres = provider == StorageProvider.PostgreSql ? await PostgresServer.CreateDatabaseAsync("store") : null;
        var database = new TestDatabase(postgres);
        await database._services.MigrateTasksStoreAsync();
        return database;
    }

    public TasksDbContext CreateContext() => Factory.CreateDbContext();

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
            return;
        }
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
