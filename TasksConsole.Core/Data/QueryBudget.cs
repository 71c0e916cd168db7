using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using TasksConsole.Core.Common;

namespace TasksConsole.Core.Data;

/// <summary>
/// Runs a read within a time budget, so one expensive filter (a long chain of <c>or(like(…))</c> with an exact
/// count) answers a clear error instead of holding a request, a connection and a core for minutes. Past the budget
/// the statement is stopped in the store, not just abandoned: SQLite's <c>sqlite3_interrupt</c> on the context's
/// connection, a PostgreSQL cancel request through Npgsql's cancellation.
/// </summary>
public static class QueryBudget
{
    public static async Task<T> RunAsync<T>(
        TasksDbContext db, TimeSpan budget, Func<CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        if (budget <= TimeSpan.Zero) return await read(cancellationToken);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // Opened here so that the interrupt reaches the connection the read runs on, and it stays open meanwhile.
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var connection = db.Database.GetDbConnection() as SqliteConnection;
            // Disposing the registration waits for a running callback, so no interrupt outlives the read; one that
            // lands between statements, or after the last, is a no-op in SQLite.
            using (timeout.Token.Register(() =>
                   {
                       if (connection?.Handle is { } handle) SQLitePCL.raw.sqlite3_interrupt(handle);
                   }))
            {
                timeout.CancelAfter(budget);
                return await read(timeout.Token);
            }
        }
        catch (Exception ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested && IsStop(ex))
        {
            throw new ServiceException(ErrorCode.InvalidRql,
                $"The query did not finish within its time budget of {budget.TotalSeconds:0.###} s and was stopped. " +
                "Narrow it: fewer or simpler conditions, a creation window (ge(creationTimestamp,…)), or skipCount() to drop the total.");
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>How each store reports a statement stopped by the budget.</summary>
    private static bool IsStop(Exception ex) =>
        ex is OperationCanceledException || ex is SqliteException { SqliteErrorCode: SQLitePCL.raw.SQLITE_INTERRUPT }
        || ex.InnerException is { } inner && IsStop(inner);
}
