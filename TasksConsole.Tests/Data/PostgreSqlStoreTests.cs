using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TasksConsole.Core.Data;
using TasksConsole.Core.Functions;
using TasksConsole.Tests.Infrastructure;

namespace TasksConsole.Tests.Data;

public sealed class PostgreSqlStoreTests
{
    [Fact]
    public void PostgreSql_without_a_connection_string_fails_at_start_and_says_what_to_set()
    {
        var builder = CoreBuilder.Create(new Dictionary<string, string?> { ["Storage:Provider"] = "PostgreSql" });

        var error = Assert.Throws<InvalidOperationException>(() => builder.AddStorageCore());

        Assert.Contains("ConnectionStrings:Tasks", error.Message);
        Assert.Contains("PostgreSql", error.Message);
    }

    [Fact]
    public async Task Sqlite_stays_the_default_provider()
    {
        await using var store = await TestDatabase.CreateAsync();
        await using var db = store.CreateContext();

        Assert.True(db.Database.IsSqlite());
    }

    [Fact]
    public async Task Three_nodes_starting_at_once_migrate_one_database_once()
    {
        await using var database = await PostgresServer.CreateDatabaseAsync("migrate");
        var nodes = Enumerable.Range(0, 3)
            .Select(_ => CoreBuilder.WithPostgreSql(database.ConnectionString).AddStorageCore().Services.BuildServiceProvider())
            .ToList();
        try
        {
            await Task.WhenAll(nodes.Select(node => Task.Run(() => node.MigrateTasksStoreAsync())));

            var factory = nodes[0].GetRequiredService<IDbContextFactory<TasksDbContext>>();
            await using var db = await factory.CreateDbContextAsync();
            Assert.True(db.Database.IsNpgsql());
            var applied = await db.Database.SqlQueryRaw<string>("SELECT \"MigrationId\" AS \"Value\" FROM \"__EFMigrationsHistory\"").ToListAsync();
            var expected = new PostgreSqlTasksDbContext(new DbContextOptionsBuilder<PostgreSqlTasksDbContext>()
                .UseNpgsql(database.ConnectionString).Options).Database.GetMigrations().ToList();
            Assert.NotEmpty(expected);
            Assert.Equal(expected, applied.Order(StringComparer.Ordinal));
            // A node that starts later finds nothing left to do.
            await nodes[1].MigrateTasksStoreAsync();
        }
        finally
        {
            foreach (var node in nodes) await node.DisposeAsync();
        }
    }

    [Fact]
    public async Task Text_sorts_by_bytes_and_timestamps_are_unix_milliseconds_as_on_sqlite()
    {
        await using var store = await TestDatabase.CreateAsync(StorageProvider.PostgreSql);
        var created = DateTimeOffset.FromUnixTimeMilliseconds(1_780_000_000_123);
        await using (var db = store.CreateContext())
        {
            foreach (var name in new[] { "b", "B", "a", "_x", "A" })
            {
                db.Functions.Add(new FunctionRecord { Name = name, LambdaFunctionName = name, CreationTimestamp = created, UpdateTimestamp = created });
            }
            await db.SaveChangesAsync();
        }

        await using (var db = store.CreateContext())
        {
            var names = await db.Functions.OrderBy(f => f.Name).Select(f => f.Name).ToListAsync();
            Assert.Equal(["A", "B", "_x", "a", "b"], names);
            Assert.Equal(["b"], await db.Functions.Where(f => string.Compare(f.Name, "a") > 0).Select(f => f.Name).ToListAsync());
            Assert.Equal(created, (await db.Functions.SingleAsync(f => f.Name == "a")).CreationTimestamp);
            var type = await db.Database.SqlQueryRaw<string>(
                "SELECT data_type AS \"Value\" FROM information_schema.columns WHERE table_name = 'Functions' AND column_name = 'CreationTimestamp'")
                .SingleAsync();
            Assert.Equal("bigint", type);
        }
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.PostgreSql)]
    public async Task A_duplicate_key_is_recognised_as_a_unique_violation_on_both_providers(StorageProvider provider)
    {
        await using var store = await TestDatabase.CreateAsync(provider);
        var now = DateTimeOffset.FromUnixTimeMilliseconds(1_780_000_000_000);
        await using (var db = store.CreateContext())
        {
            db.Functions.Add(new FunctionRecord { Name = "twice", LambdaFunctionName = "twice", CreationTimestamp = now, UpdateTimestamp = now });
            await db.SaveChangesAsync();
        }

        await using var again = store.CreateContext();
        again.Functions.Add(new FunctionRecord { Name = "twice", LambdaFunctionName = "twice", CreationTimestamp = now, UpdateTimestamp = now });
        var error = await Assert.ThrowsAsync<DbUpdateException>(() => again.SaveChangesAsync());
        Assert.True(error.IsUniqueViolation(), error.InnerException?.Message);
    }
}
