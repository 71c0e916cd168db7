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
}
