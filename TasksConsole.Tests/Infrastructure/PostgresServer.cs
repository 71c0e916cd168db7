using Npgsql;

namespace TasksConsole.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL server the tests use, named by <c>TASKSCONSOLE_TEST_POSTGRES</c> (a connection string to its
/// <c>postgres</c> database). <c>.ci/run</c> starts a throwaway cluster and sets it; to run PostgreSQL tests by hand:
/// <c>export TASKSCONSOLE_TEST_POSTGRES="$(.ci/postgres start /tmp/tc-pg)"</c>. Each fixture gets a database of its
/// own, dropped when it is disposed.
/// </summary>
public static class PostgresServer
{
    public const string EnvironmentVariable = "TASKSCONSOLE_TEST_POSTGRES";

    public static string AdminConnectionString =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{EnvironmentVariable} is not set: these tests need a PostgreSQL server. Run them through `bash .ci/run`, " +
                $"or start a throwaway cluster with `export {EnvironmentVariable}=\"$(.ci/postgres start /tmp/tc-pg)\"` " +
                "(stop it with `.ci/postgres stop /tmp/tc-pg`).");

    /// <summary>Creates an empty database with a unique name; dispose the result to drop it.</summary>
    public static async Task<PostgresDatabase> CreateDatabaseAsync(string purpose = "test")
    {
        // PostgreSQL truncates identifiers at 63 bytes; the unique part comes first so it survives.
        var name = $"tc_{Guid.NewGuid():N}_{purpose.ToLowerInvariant()}";
        name = name[..Math.Min(63, name.Length)];
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }
        var connectionString = new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ToString();
        return new PostgresDatabase(name, connectionString);
    }
}

/// <summary>One test database on <see cref="PostgresServer"/>; dropped (its connections closed) on dispose.</summary>
public sealed class PostgresDatabase(string name, string connectionString) : IAsyncDisposable
{
    public string Name { get; } = name;
    public string ConnectionString { get; } = connectionString;

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(PostgresServer.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
