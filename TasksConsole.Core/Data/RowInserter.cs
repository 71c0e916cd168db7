using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;
using NpgsqlTypes;
using SQLitePCL;

namespace TasksConsole.Core.Data;

/// <summary>An INSERT of every mapped column of one entity type, with EF's converters applied to the values.</summary>
public sealed class RowInserter
{
    private readonly string _sql;
    private readonly string _copy;
    private readonly string _unnest;
    private readonly List<(string Parameter, Func<object, object> Value, Type ProviderType)> _columns = [];

    public RowInserter(IEntityType entity)
    {
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var columns = new List<string>();
        foreach (var property in entity.GetProperties())
        {
            var getter = property.GetGetter();
            var converter = property.GetTypeMapping().Converter;
            var parameter = "@p" + _columns.Count;
            var providerType = converter?.ProviderClrType ?? property.ClrType;
            providerType = Nullable.GetUnderlyingType(providerType) ?? providerType;
            if (property.IsNullable && providerType.IsValueType) providerType = typeof(Nullable<>).MakeGenericType(providerType);
            columns.Add($"\"{property.GetColumnName(table)}\"");
            _columns.Add((parameter, row =>
            {
                var value = getter.GetClrValue(row);
                if (value is not null && converter is not null) value = converter.ConvertToProvider(value);
                return value ?? DBNull.Value;
            }, providerType));
        }
        var parameters = string.Join(", ", _columns.Select(c => c.Parameter));
        _sql = $"INSERT INTO \"{table.Name}\" ({string.Join(", ", columns)}) VALUES ({parameters})";
        _copy = $"COPY \"{table.Name}\" ({string.Join(", ", columns)}) FROM STDIN (FORMAT BINARY)";
        _unnest = $"INSERT INTO \"{table.Name}\" ({string.Join(", ", columns)}) SELECT * FROM unnest({parameters})";
    }

    /// <summary>
    /// Writes <paramref name="rows"/> with one binary COPY on PostgreSQL, in the connection's transaction. A COPY takes
    /// a round trip more than a batch of INSERTs, but a fraction of their CPU per row: no statement per row to build,
    /// send and plan. For background writes of many rows, where a round trip more does not matter.
    /// </summary>
    public async Task CopyAsync(NpgsqlConnection connection, IEnumerable<object> rows)
    {
        await using var importer = await connection.BeginBinaryImportAsync(_copy);
        foreach (var row in rows)
        {
            await importer.StartRowAsync();
            foreach (var (_, column, _) in _columns)
            {
                switch (column(row))
                {
                    case DBNull: await importer.WriteNullAsync(); break;
                    // Text and varchar share their binary form.
                    case string text: await importer.WriteAsync(text, NpgsqlDbType.Text); break;
                    case long number: await importer.WriteAsync(number, NpgsqlDbType.Bigint); break;
                    case int number: await importer.WriteAsync(number, NpgsqlDbType.Integer); break;
                    case bool flag: await importer.WriteAsync(flag, NpgsqlDbType.Boolean); break;
                    case double number: await importer.WriteAsync(number, NpgsqlDbType.Double); break;
                    case var value:
                        throw new NotSupportedException($"A row copy has a value of type {value.GetType()}, which RowInserter.CopyAsync does not write.");
                }
            }
        }
        await importer.CompleteAsync();
    }

    /// <summary>
    /// The INSERT prepared on SQLite's own statement interface, for many rows. Microsoft.Data.Sqlite looks every
    /// parameter up by name, and allocates a binder for it, on every execution: binding by position instead took an
    /// audit entry (twelve columns, five B-trees) from about 11.5 to 9 µs of CPU.
    /// </summary>
    public SqliteRowInsert PrepareSqlite(SqliteConnection connection) => new(connection, _sql, _columns.Select(c => c.Value).ToArray());

    /// <summary>Adds this row's INSERT to <paramref name="batch"/>.</summary>
    public void AddTo(DbBatch batch, object row)
    {
        var command = batch.CreateBatchCommand();
        command.CommandText = _sql;
        foreach (var (name, value, _) in _columns) command.AddParameter(name, value(row));
        batch.BatchCommands.Add(command);
    }

    /// <summary>
    /// Adds one INSERT of all <paramref name="rows"/> to <paramref name="batch"/>, on PostgreSQL: each column's values
    /// go as one array (<c>SELECT * FROM unnest(…)</c>). One statement, so a statement trigger on the table runs once
    /// for the lot instead of once per row.
    /// </summary>
    public void AddAllTo(DbBatch batch, IReadOnlyList<object> rows)
    {
        if (rows.Count == 0) return;
        var command = batch.CreateBatchCommand();
        command.CommandText = _unnest;
        foreach (var (name, value, providerType) in _columns)
        {
            // Typed arrays, so that Npgsql sends text[], bigint[] and so on.
            var values = Array.CreateInstance(providerType, rows.Count);
            for (var i = 0; i < rows.Count; i++)
            {
                var cell = value(rows[i]);
                values.SetValue(cell is DBNull ? null : cell, i);
            }
            command.AddParameter(name, values);
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
    /// Inserts <paramref name="rows"/> on <paramref name="connection"/> within its open transaction: with one binary
    /// COPY on PostgreSQL, with one prepared statement on SQLite (in-process, where a statement costs no round trip).
    /// </summary>
    public static async Task InsertAsync(DbConnection connection, RowInserter inserter, IEnumerable<object> rows)
    {
        if (connection is NpgsqlConnection postgres)
        {
            await inserter.CopyAsync(postgres, rows);
            return;
        }
        using var insert = inserter.PrepareSqlite((SqliteConnection)connection);
        foreach (var row in rows) insert.Insert(row);
    }
}
