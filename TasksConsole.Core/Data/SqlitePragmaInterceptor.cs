using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace TasksConsole.Core.Data;

/// <summary>
/// Per-connection SQLite settings. WAL itself is persistent and set once at start-up; synchronous=NORMAL is
/// per connection and is what makes WAL commits cheap while staying crash-safe for the database.
/// </summary>
internal sealed class SqlitePragmaInterceptor : DbConnectionInterceptor
{
    private const string Pragmas = "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(
        DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
