using Microsoft.EntityFrameworkCore;
using TasksConsole.Core.Data;

namespace TasksConsole.Tests.Infrastructure;

/// <summary>
/// The tasks store's tables on a PostgreSQL test database. Until the store has PostgreSQL migrations of its own,
/// the schema comes from the model (<c>EnsureCreated</c>); this is the one place to switch to the migrations.
/// </summary>
public static class PostgresTestStore
{
    public static DbContextOptions<TasksDbContext> Options(string connectionString) =>
        new DbContextOptionsBuilder<TasksDbContext>().UseNpgsql(connectionString).Options;

    public static void Configure(DbContextOptionsBuilder options, string connectionString) => options.UseNpgsql(connectionString);

    /// <summary>A new database with the store's tables; dispose it to drop it.</summary>
    public static async Task<PostgresDatabase> CreateAsync(string purpose)
    {
        var database = await PostgresServer.CreateDatabaseAsync(purpose);
        await using var db = new TasksDbContext(Options(database.ConnectionString));
        await db.Database.EnsureCreatedAsync();
        return database;
    }
}
