using Npgsql;

namespace TasksConsole.Tests.Infrastructure;

public sealed class PostgresServerTests
{
    [Fact]
    public async Task A_test_database_is_reachable_and_is_dropped_on_dispose()
    {
        string name;
        await using (var database = await PostgresServer.CreateDatabaseAsync("probe"))
        {
            name = database.Name;
            await using var connection = new NpgsqlConnection(database.ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT current_database()", connection);
            Assert.Equal(name, await command.ExecuteScalarAsync());
        }

        await using var admin = new NpgsqlConnection(PostgresServer.AdminConnectionString);
        await admin.OpenAsync();
        await using var exists = new NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname = @name", admin);
        exists.Parameters.AddWithValue("name", name);
        Assert.Equal(0L, await exists.ExecuteScalarAsync());
    }
}
