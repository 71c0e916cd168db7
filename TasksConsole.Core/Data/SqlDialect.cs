using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace TasksConsole.Core.Data;

/// <summary>
/// Where the hand-written SQL differs between the two stores. Everything else is written once: identifiers quoted
/// (PostgreSQL folds unquoted names to lower case, EF's tables are "Tasks", "Status"), parameters named <c>@name</c>
/// (both providers read that form).
/// </summary>
public abstract class SqlDialect
{
    public static readonly SqlDialect Sqlite = new SqliteDialect();
    public static readonly SqlDialect PostgreSql = new PostgreSqlDialect();

    public static SqlDialect Of(DbContext db) => db.Database.IsNpgsql() ? PostgreSql : Sqlite;

    public abstract bool IsPostgreSql { get; }

    /// <summary>
    /// A table reference that names its index: SQLite, without ANALYZE statistics, picks poor indexes for some
    /// queries and is told which one to use; PostgreSQL plans from its own statistics and takes no hint.
    /// </summary>
    public abstract string Table(string table, string index);

    /// <summary>
    /// <paramref name="column"/> in a condition that must not choose the index. SQLite without statistics prefers an
    /// equality on an indexed column (<c>"Status" = 'New'</c>) over a few primary-key lookups (<c>"Id" IN (…)</c>), and so
    /// reads every new task, the whole backlog of tasks waiting for later, to find a claim's few; its unary <c>+</c>
    /// leaves the value as it is and takes the column out of index choice. PostgreSQL plans from its statistics.
    /// </summary>
    public abstract string NotIndexed(string column);

    /// <summary>
    /// The rows of <paramref name="table"/> among <paramref name="idList"/> that meet <paramref name="guard"/>, as an
    /// <c>"Id" IN (…)</c> condition for a guarded UPDATE. On PostgreSQL the rows are locked first, skipping those another
    /// transaction holds (<c>FOR UPDATE SKIP LOCKED</c>): two nodes claiming at once each take what the other is not
    /// taking instead of queueing behind its locks. The UPDATE keeps its own guard either way.
    /// </summary>
    public abstract string IdsMeeting(string table, string guard, string idList);

    /// <summary>A write transaction that holds the write lock from its start (SQLite: BEGIN IMMEDIATE, no lock upgrade to fail).</summary>
    public abstract Task<DbTransaction> BeginWriteTransactionAsync(DbConnection connection);

    private sealed class SqliteDialect : SqlDialect
    {
        public override bool IsPostgreSql => false;
        public override string Table(string table, string index) => $"\"{table}\" INDEXED BY \"{index}\"";
        public override string NotIndexed(string column) => "+" + column;
        public override string IdsMeeting(string table, string guard, string idList) => $"\"Id\" IN ({idList})";
        public override Task<DbTransaction> BeginWriteTransactionAsync(DbConnection connection) =>
            Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));
    }

    private sealed class PostgreSqlDialect : SqlDialect
    {
        public override bool IsPostgreSql => true;
        public override string Table(string table, string index) => $"\"{table}\"";
        public override string NotIndexed(string column) => column;
        public override string IdsMeeting(string table, string guard, string idList) =>
            $"\"Id\" IN (SELECT \"Id\" FROM \"{table}\" WHERE {guard} AND \"Id\" IN ({idList}) FOR UPDATE SKIP LOCKED)";
        public override async Task<DbTransaction> BeginWriteTransactionAsync(DbConnection connection) =>
            await connection.BeginTransactionAsync();
    }
}
