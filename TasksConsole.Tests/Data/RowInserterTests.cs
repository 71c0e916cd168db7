using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using TasksConsole.Core.Audit;
using TasksConsole.Core.Data;
using TasksConsole.Tests.Infrastructure;

namespace TasksConsole.Tests.Data;

public sealed class RowInserterTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 4, 16, 0, 0, 123, TimeSpan.Zero);

    private static AuditRecord Entry(string id, string? details) => new()
    {
        Id = id,
        Timestamp = At,
        Action = AuditActions.TaskCancel,
        ActorUserId = "user-1",
        ActorName = "ops@example.com",
        ActorApplicationId = null,
        Source = AuditSources.Console,
        RemoteAddress = "10.0.0.7",
        TargetType = "task",
        TargetId = "task-" + id,
        Summary = $"Canceled task task-{id} (émoji 🚀, quote \").",
        DetailsJson = details,
    };

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.PostgreSql)]
    public async Task InsertAsync_StoresEveryColumnAsEfReadsIt_InTheOpenTransaction(StorageProvider provider)
    {
        await using var store = await TestDatabase.CreateAsync(provider);
        AuditRecord[] entries = [Entry("a", "{\"count\":3}"), Entry("b", null), Entry("c", "{}")];
        await using (var db = store.CreateContext())
        {
            var inserter = new RowInserter(db.Model.FindEntityType(typeof(AuditRecord))!);
            await db.Database.OpenConnectionAsync();
            var connection = db.Database.GetDbConnection();
            await using (var rolledBack = await connection.BeginTransactionAsync())
            {
                await RowInserts.InsertAsync(connection, inserter, [Entry("x", null)]);
                await rolledBack.RollbackAsync();
            }
            await using var transaction = await connection.BeginTransactionAsync();
            await RowInserts.InsertAsync(connection, inserter, entries);
            await transaction.CommitAsync();
        }

        await using var read = store.CreateContext();
        var stored = await read.AuditEntries.AsNoTracking().OrderBy(e => e.Id).ToListAsync();
        Assert.Equivalent(entries, stored, strict: true);
    }

    [Fact]
    public async Task AddAllTo_OnPostgreSql_StoresEveryRowAndColumnAsEfReadsIt_NullsIncluded()
    {
        await using var store = await TestDatabase.CreateAsync(StorageProvider.PostgreSql);
        AuditRecord[] entries = [Entry("a", "{\"count\":3}"), Entry("b", null), Entry("c", "{}")];
        await using (var db = store.CreateContext())
        {
            var inserter = new RowInserter(db.Model.FindEntityType(typeof(AuditRecord))!);
            await db.Database.OpenConnectionAsync();
            await using var batch = db.Database.GetDbConnection().CreateBatch();
            inserter.AddAllTo(batch, entries);
            inserter.AddAllTo(batch, []);
            Assert.Single(batch.BatchCommands);
            await batch.ExecuteNonQueryAsync();
        }

        await using var read = store.CreateContext();
        var stored = await read.AuditEntries.AsNoTracking().OrderBy(e => e.Id).ToListAsync();
        Assert.Equivalent(entries, stored, strict: true);
    }

    [Fact]
    public async Task SqliteRowInsert_StoresEveryColumnAsEfReadsIt_AndReportsAConstraintAsSqliteException_ThenGoesOn()
    {
        await using var store = await TestDatabase.CreateAsync();
        await using (var db = store.CreateContext())
        {
            var inserter = new RowInserter(db.Model.FindEntityType(typeof(AuditRecord))!);
            await db.Database.OpenConnectionAsync();
            var connection = (SqliteConnection)db.Database.GetDbConnection();
            await using var transaction = await connection.BeginTransactionAsync();
            using var insert = inserter.PrepareSqlite(connection);

            insert.Insert(Entry("a", "{\"count\":3}"));
            var duplicate = Assert.Throws<SqliteException>(() => insert.Insert(Entry("a", null)));
            Assert.Equal(19, duplicate.SqliteErrorCode); // SQLITE_CONSTRAINT
            Assert.Contains("UNIQUE", duplicate.Message);
            // The statement was reset after the error: the next row goes in.
            insert.Insert(Entry("b", null));
            await transaction.CommitAsync();
        }

        await using var read = store.CreateContext();
        var stored = await read.AuditEntries.AsNoTracking().OrderBy(e => e.Id).ToListAsync();
        Assert.Equal(["a", "b"], stored.Select(e => e.Id));
        Assert.Equivalent(Entry("a", "{\"count\":3}"), stored[0], strict: true);
        Assert.Equivalent(Entry("b", null), stored[1], strict: true);
    }
}
