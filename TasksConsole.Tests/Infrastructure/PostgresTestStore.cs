using Microsoft.Extensions.DependencyInjection;
using TasksConsole.Core.Data;

namespace TasksConsole.Tests.Infrastructure;

/// <summary>The tasks store on a PostgreSQL test database, migrated as a node migrates it at start-up.</summary>
public static class PostgresTestStore
{
    /// <summary>A new database with the store's tables; dispose it to drop it.</summary>
    public static async Task<PostgresDatabase> CreateAsync(string purpose)
    {
        var database = await PostgresServer.CreateDatabaseAsync(purpose);
        await using var services = CoreBuilder.WithPostgreSql(database.ConnectionString).AddStorageCore().Services.BuildServiceProvider();
        await services.MigrateTasksStoreAsync();
        return database;
    }
}
