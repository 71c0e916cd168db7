using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using SQLitePCL;

namespace TasksConsole.Core.Data;

/// <summary>An INSERT of every mapped column of one entity type, with EF's converters applied to the values.</summary>
public sealed class RowInserter
{
    private readonly string _sql;
    private readonly List<(string Parameter, Func<object, object> Value)> _columns = [];

    public RowInserter(IEntityType entity)
    {
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var columns = new List<string>();
        foreach (var property in entity.GetProperties())
        {
            var getter = property.GetGetter();
            var converter = property.GetTypeMapping().Converter;
            var parameter = "@p" + _columns.Count;
            columns.Add($"\"{property.GetColumnName(table)}\"");
            _columns.Add((parameter, row =>
            {
                var value = getter.GetClrValue(row);
                if (value is not null && converter is not null) value = converter.ConvertToProvider(value);
                return value ?? DBNull.Value;
            }));
        }
        _sql = $"INSERT INTO \"{table.Name}\" ({string.Join(", ", columns)}) VALUES ({string.Join(", ", _columns.Select(c => c.Parameter))})";
    }

    /// <summary>
    /// The INSERT prepared on SQLite's own statement interface, for many rows. Microsoft.Data.Sqlite looks every
    /// parameter up by name, and allocates a binder for it, on every execution: for a row of a dozen columns that was
    /// a third of the row's cost, more than SQLite's own work of adding it to the table and its indexes.
    /// </summary>
    public SqliteRowInsert PrepareSqlite(SqliteConnection connection) => new(connection, _sql, _columns.Select(c => c.Value).ToArray());
    /// <summary>Adds this row's INSERT to <paramref name="batch"/>.</summary>
    public void AddTo(DbBatch batch, object row)
    {
        var command = batch.CreateBatchCommand();
        command.CommandText = _sql;
        foreach (var (name, value) in _columns)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value(row);
            command.Parameters.Add(parameter);
        }
        batch.BatchCommands.Add(command);
    }

}

/// <summary>
/// One INSERT prepared with SQLitePCL's raw interface on an open connection, within the connection's transaction:
/// values are bound by position, and errors surface as <see cref="SqliteException"/>, as from a command.
/// </summary>
public sealed class SqliteRowInsert : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly sqlite3_stmt _statement;
    private readonly Func<object, object>[] _values;

    internal SqliteRowInsert(SqliteConnection connection, string sql, Func<object, object>[] values)
    {
        _connection = connection;
        _values = values;
        var rc = raw.sqlite3_prepare_v2(connection.Handle, sql, out _statement);
        if (rc != raw.SQLITE_OK)
        {
            _statement.Dispose();
            SqliteException.ThrowExceptionForRC(rc, connection.Handle);
        }
    }

    public void Insert(object row)
    {
        try
        {
            for (var i = 0; i < _values.Length; i++) Check(Bind(i + 1, _values[i](row)));
            var rc = raw.sqlite3_step(_statement);
            if (rc != raw.SQLITE_DONE) SqliteException.ThrowExceptionForRC(rc, _connection.Handle);
        }
        finally
        {
            // After the error is read: resetting replaces the connection's last error message.
            raw.sqlite3_reset(_statement);
        }
    }

    private int Bind(int index, object value) => value switch
    {
        DBNull => raw.sqlite3_bind_null(_statement, index),
        string text => raw.sqlite3_bind_text(_statement, index, text),
        long number => raw.sqlite3_bind_int64(_statement, index, number),
        int number => raw.sqlite3_bind_int64(_statement, index, number),
        short number => raw.sqlite3_bind_int64(_statement, index, number),
        byte number => raw.sqlite3_bind_int64(_statement, index, number),
        bool flag => raw.sqlite3_bind_int64(_statement, index, flag ? 1 : 0),
        double number => raw.sqlite3_bind_double(_statement, index, number),
        float number => raw.sqlite3_bind_double(_statement, index, number),
        byte[] bytes => raw.sqlite3_bind_blob(_statement, index, bytes),
        // Every mapped column is one of the above once EF's value converter has run; a new one must be added here.
        _ => throw new NotSupportedException($"Column {index} of a row insert has a value of type {value.GetType()}, which SqliteRowInsert does not bind."),
    };

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK) SqliteException.ThrowExceptionForRC(rc, _connection.Handle);
    }

    public void Dispose() => _statement.Dispose();
}

/// <summary>Plain INSERTs of rows of one entity type, for the stores' write paths that EF's SaveChanges makes slow.</summary>
public static class RowInserts
{
    /// <summary>
    /// Inserts <paramref name="rows"/> on <paramref name="connection"/> within <paramref name="transaction"/>: as one
    /// batch (one round trip) where the provider has batches (PostgreSQL), else with one prepared statement (SQLite,
    /// in-process, where a statement costs no round trip), run in the connection's transaction.
    /// </summary>
    public static async Task InsertAsync(DbConnection connection, DbTransaction transaction, RowInserter inserter, IEnumerable<object> rows)
    {
        if (connection.CanCreateBatch)
        {
            await using var batch = connection.CreateBatch();
            batch.Transaction = transaction;
            foreach (var row in rows) inserter.AddTo(batch, row);
            if (batch.BatchCommands.Count > 0) await batch.ExecuteNonQueryAsync();
            return;
        }
        using var insert = inserter.PrepareSqlite((SqliteConnection)connection);
        foreach (var row in rows) insert.Insert(row);
    }
}
