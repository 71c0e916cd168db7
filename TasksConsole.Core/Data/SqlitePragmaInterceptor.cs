using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace TasksConsole.Core.Data;

/// <summary>
/// Per-connection SQLite settings. WAL itself is persistent and set once at start-up; synchronous is per connection
/// (<see cref="StorageOptions.SqliteSynchronous"/>: whether a commit waits for the disk). busy_timeout
/// lets SQLite wait for the single writer lock with its own short, growing sleeps: without it, Microsoft.Data.Sqlite
/// retries a busy database by sleeping 150 ms at a time, which put a 150 ms step into every contended write.
/// mmap_size lets reads take pages straight from the mapped file: in WAL mode a connection's page cache is dropped
/// whenever another connection has written, so under a steady write load every read would copy its pages again.
/// </summary>
internal sealed class SqlitePragmaInterceptor(SqliteSynchronous synchronous) : DbConnectionInterceptor
{
    private readonly string _pragmas =
        $"PRAGMA synchronous={synchronous.ToString().ToUpperInvariant()}; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000; PRAGMA mmap_size=268435456;";

    // The settings stay with the native connection, which the pool hands out again and again: apply them once.
    private static readonly ConditionalWeakTable<object, object> Configured = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (!NeedsPragmas(connection)) return;
        using var command = connection.CreateCommand();
        command.CommandText = _pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(
        DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (!NeedsPragmas(connection)) return;
        await using var command = connection.CreateCommand();
        command.CommandText = _pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static bool NeedsPragmas(DbConnection connection) =>
        connection is not SqliteConnection { Handle: { } handle } || Configured.TryAdd(handle, handle);
}
