using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using TasksConsole.Core.Data;

namespace TasksConsole.Tests.Data;

/// <summary>Which store failures the API answers as "service unavailable" (503) rather than as a server fault (500).</summary>
public sealed class StoreErrorsTests
{
    [Theory]
    [InlineData(13, "its disk is full")]
    [InlineData(8, "it is read-only")]
    [InlineData(10, "its disk failed to read or write")]
    [InlineData(14, "its files cannot be opened")]
    public void ASqliteDiskFault_WrappedAsEfWrapsIt_IsStoreUnavailable_WithItsReason(int code, string reason)
    {
        var saved = new DbUpdateException("An error occurred while saving the entity changes.", new SqliteException("SQLite Error", code));

        Assert.Equal(reason, StoreErrors.StoreUnavailableReason(saved));
    }

    [Theory]
    [InlineData("53100", "the database server's disk is full")]
    [InlineData("25006", "the database is read-only")]
    [InlineData("57P03", "the database server is not accepting work")]
    public void APostgreSqlDiskOrAvailabilityFault_IsStoreUnavailable(string sqlState, string reason)
    {
        var error = new InvalidOperationException("wrapped", new PostgresException("fault", "ERROR", "ERROR", sqlState));

        Assert.Equal(reason, StoreErrors.StoreUnavailableReason(error));
    }

    [Fact]
    public void APostgreSqlConnectionLost_IsStoreUnavailable()
    {
        var error = new NpgsqlException("Exception while reading from stream", new IOException("Connection reset by peer"));

        Assert.Equal("the database server did not answer", StoreErrors.StoreUnavailableReason(error));
    }

    [Fact]
    public void OtherStoreErrors_AndOtherExceptions_AreNot()
    {
        Assert.Null(StoreErrors.StoreUnavailableReason(new DbUpdateException("unique", new SqliteException("constraint", 19))));
        Assert.Null(StoreErrors.StoreUnavailableReason(new PostgresException("unique", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation)));
        Assert.Null(StoreErrors.StoreUnavailableReason(new IOException("disk full, but not the store's")));
    }
}
