using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace TasksConsole.Core.Data;

/// <summary>
/// Per-connection SQLite settings. WAL itself is persistent and set once at start-up; synchronous=NORMAL is
/// per connection and is what makes WAL commits cheap while staying crash-safe for the database. busy_timeout
/// lets SQLite wait for the single writer lock with its own short, growing sleeps: without it, Microsoft.Data.Sqlite
/// retries a busy database by sleeping 150 ms at a time, which put a 150 ms step into every contended write.
/// </summary>
internal sealed class SqlitePragmaInterceptor : DbConnectionInterceptor
{
    private const string Pragmas = "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000;";

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
