using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

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

    public DbCommand Prepare(DbConnection connection, DbTransaction transaction, SqlDialect dialect)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = _sql;
        foreach (var (name, _) in _columns)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            command.Parameters.Add(parameter);
        }
        if (dialect.PreparesRepeatedStatements) command.Prepare();
        return command;
    }

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

    public void Insert(DbCommand command, object row)
    {
        for (var i = 0; i < _columns.Count; i++) command.Parameters[i].Value = _columns[i].Value(row);
        command.ExecuteNonQuery();
    }
}

/// <summary>Plain INSERTs of rows of one entity type, for the stores' write paths that EF's SaveChanges makes slow.</summary>
public static class RowInserts
{
    /// <summary>
    /// Inserts <paramref name="rows"/> on <paramref name="connection"/> within <paramref name="transaction"/>: as one
    /// batch (one round trip) where the provider has batches (PostgreSQL), else with one prepared statement (SQLite,
    /// in-process, where a statement costs no round trip).
    /// </summary>
    public static async Task InsertAsync(DbConnection connection, DbTransaction transaction, SqlDialect dialect, RowInserter inserter, IEnumerable<object> rows)
    {
        if (connection.CanCreateBatch)
        {
            await using var batch = connection.CreateBatch();
            batch.Transaction = transaction;
            foreach (var row in rows) inserter.AddTo(batch, row);
            if (batch.BatchCommands.Count > 0) await batch.ExecuteNonQueryAsync();
            return;
        }
        using var command = inserter.Prepare(connection, transaction, dialect);
        foreach (var row in rows) inserter.Insert(command, row);
    }
}
