using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace TasksConsole.Core.Data;

public static class StoreErrors
{
    /// <summary>
    /// Whether a save failed on a unique key (a concurrent insert of the same name won): SQLite's constraint error,
    /// PostgreSQL's unique violation.
    /// </summary>
    public static bool IsUniqueViolation(this DbUpdateException exception) => exception.InnerException
        is SqliteException { SqliteErrorCode: 19 }
        or PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    /// <summary>
    /// Why the store cannot take writes, when <paramref name="exception"/> (or one it wraps) says the fault is in the
    /// store's disk or server rather than in the request: full, read-only, failing I/O. Null for anything else. These
    /// faults pass once an operator frees space or remounts; the request itself was fine and may be sent again.
    /// </summary>
    public static string? StoreUnavailableReason(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            var reason = current switch
            {
                // SQLite's primary codes (the low byte of an extended one): FULL, READONLY, IOERR, CANTOPEN.
                SqliteException sqlite => (sqlite.SqliteErrorCode & 0xff) switch
                {
                    13 => "its disk is full",
                    8 => "it is read-only",
                    10 => "its disk failed to read or write",
                    14 => "its files cannot be opened",
                    _ => null,
                },
                PostgresException postgres => postgres.SqlState switch
                {
                    PostgresErrorCodes.DiskFull => "the database server's disk is full",
                    PostgresErrorCodes.InsufficientResources => "the database server is out of resources",
                    PostgresErrorCodes.ReadOnlySqlTransaction => "the database is read-only",
                    PostgresErrorCodes.IoError => "the database server's disk failed to read or write",
                    PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.AdminShutdown => "the database server is not accepting work",
                    _ => null,
                },
                // A connection broken or never made (the server restarted, a network fault, a timeout): Npgsql marks
                // these transient, as opposed to the errors the server reports about a statement.
                NpgsqlException { IsTransient: true } => "the database server did not answer",
                _ => null,
            };
            if (reason is not null) return reason;
        }
        return null;
    }

    /// <summary>What the API and the console tell a user whose change met such a fault.</summary>
    public static string UnavailableMessage(string reason) =>
        $"The service cannot store changes right now: {reason}. The request could not be completed; try again once an operator has resolved it.";
}
