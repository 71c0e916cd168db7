using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;
using TasksConsole.Core.Common;

namespace TasksConsole.Bench.Infrastructure;

/// <summary>
/// <see cref="TaskSeeder"/> for a PostgreSQL store: the same rows, written with binary COPY (Npgsql's
/// <c>BeginBinaryImport</c>), which loads a million tasks and their tag rows in a fraction of what row-by-row
/// INSERTs take.
/// </summary>
/// <remarks>
/// For the bulk load the secondary indexes and the tag rows' foreign key are dropped and rebuilt from their own
/// definitions afterwards (checked to be identical). Then VACUUM ANALYZE: unlike SQLite, which the application never
/// analyzes, a PostgreSQL server's autovacuum analyzes and vacuums a table this size within a minute of the load, so
/// the planner's statistics and the visibility map are what production has.
/// </remarks>
internal static class PostgresSeeder
{
    private const string TaskColumns = """
        "Id", "FunctionName", "DataJson", "Priority", "StartTimestamp", "Status", "Tags", "CreationTimestamp", "UpdateTimestamp",
        "StatusChangedTimestamp", "CreatedByUserId", "RetryForTaskIds", "ErrorType", "ErrorName", "ErrorMessage", "ResultJson",
        "ExecutionStartTimestamp", "ExecutionEndTimestamp"
        """;

    private const string TagColumns = "\"TaskId\", \"Tag\", \"Status\", \"Priority\", \"StartTimestamp\"";

    public static SeedReport Seed(string connectionString, SeedProfile profile, int count, DateTimeOffset now, int seed, CancellationToken cancellationToken)
    {
        var rows = new SeedRows(profile, count, now, seed);
        // No command timeout: the COPY of the tag rows also runs the tag counters' trigger over all of them at once.
        using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { CommandTimeout = 0 }.ConnectionString);
        connection.Open();
        Execute(connection, "SET maintenance_work_mem = '256MB'");
        var indexes = Query(connection, """
            SELECT indexname, indexdef FROM pg_indexes
            WHERE schemaname = current_schema() AND tablename IN ('Tasks', 'TaskTags') AND indexname NOT LIKE 'PK\_%'
            ORDER BY indexname
            """);
        var foreignKeys = Query(connection, """
            SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
            WHERE conrelid = '"TaskTags"'::regclass AND contype = 'f' ORDER BY conname
            """);
        foreach (var (name, _) in foreignKeys) Execute(connection, $"ALTER TABLE \"TaskTags\" DROP CONSTRAINT \"{name}\"");
        foreach (var (name, _) in indexes) Execute(connection, $"DROP INDEX \"{name}\"");

        var clock = Stopwatch.StartNew();
        // Tasks first, all of them, then their tag rows from a second pass over the same seed: one COPY per table.
        var tagRows = new List<(string TaskId, string Tag, string Status, long Priority, long Start)>();
        using (var tasks = connection.BeginBinaryImport($"COPY \"Tasks\" ({TaskColumns}) FROM STDIN (FORMAT BINARY)"))
        {
            var i = 0;
            foreach (var row in rows.Generate())
            {
                if (++i % 50_000 == 0) cancellationToken.ThrowIfCancellationRequested();
                WriteTask(tasks, row.Id, row.Function, row.DataJson, row.Priority, row.Start, row.Status, row.Tags, row.Created, row.StatusChanged,
                    row.ErrorType, row.ErrorName, row.ErrorMessage, row.ResultJson, row.ExecutionStart, row.ExecutionEnd);
                foreach (var tag in row.Tags) tagRows.Add((row.Id, tag, row.Status, row.Priority, row.Start));
            }
            tasks.Complete();
        }
        using (var tags = connection.BeginBinaryImport($"COPY \"TaskTags\" ({TagColumns}) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var (taskId, tag, status, priority, start) in tagRows) WriteTag(tags, taskId, tag, status, priority, start);
            tags.Complete();
        }
        var insertTime = clock.Elapsed;

        clock.Restart();
        foreach (var (_, sql) in indexes) Execute(connection, sql);
        foreach (var (name, definition) in foreignKeys) Execute(connection, $"ALTER TABLE \"TaskTags\" ADD CONSTRAINT \"{name}\" {definition}");
        var rebuilt = Query(connection, """
            SELECT indexname, indexdef FROM pg_indexes
            WHERE schemaname = current_schema() AND tablename IN ('Tasks', 'TaskTags') AND indexname NOT LIKE 'PK\_%'
            ORDER BY indexname
            """);
        if (!rebuilt.SequenceEqual(indexes)) throw new InvalidOperationException("The rebuilt indexes differ from the ones the migrations created.");
        Execute(connection, "VACUUM (FREEZE, ANALYZE) \"Tasks\"");
        Execute(connection, "VACUUM (FREEZE, ANALYZE) \"TaskTags\"");
        var indexTime = clock.Elapsed;
        var bytes = (long)Scalar(connection, "SELECT pg_database_size(current_database())")!;
        return rows.Report(insertTime, indexTime, bytes);
    }

    /// <summary>
    /// New tasks due at <paramref name="start"/>, in one transaction of two COPYs, into a running server's database
    /// (its indexes, trigger and key stay as they are). Returns when the commit happened.
    /// </summary>
    public static DateTimeOffset SeedDue(string connectionString, int count, string functionName, DateTimeOffset start, string tag, CancellationToken cancellationToken, string status = "New")
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var transaction = connection.BeginTransaction();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var startMs = start.ToUnixTimeMilliseconds();
        // Ids as the server makes them, so they can never collide with tasks it creates itself.
        var ids = Enumerable.Range(0, count).Select(_ => ObjectId.NewId()).ToList();
        string[] tags = [tag];
        using (var tasks = connection.BeginBinaryImport($"COPY \"Tasks\" ({TaskColumns}) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < count; i++)
            {
                if (i % 1000 == 0) cancellationToken.ThrowIfCancellationRequested();
                WriteTask(tasks, ids[i], functionName, $"{{\"n\":{i}}}", 0, startMs, status, tags, now, now, null, null, null, null, null, null);
            }
            tasks.Complete();
        }
        using (var tagRows = connection.BeginBinaryImport($"COPY \"TaskTags\" ({TagColumns}) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var id in ids) WriteTag(tagRows, id, tag, status, 0, startMs);
            tagRows.Complete();
        }
        transaction.Commit();
        return DateTimeOffset.UtcNow;
    }

    private static void WriteTask(
        NpgsqlBinaryImporter import, string id, string function, string data, long priority, long start, string status, string[] tags,
        long created, long statusChanged, string? errorType, string? errorName, string? errorMessage, string? result, long? executionStart,
        long? executionEnd)
    {
        import.StartRow();
        import.Write(id, NpgsqlDbType.Varchar);
        import.Write(function, NpgsqlDbType.Varchar);
        import.Write(data, NpgsqlDbType.Text);
        import.Write(priority, NpgsqlDbType.Bigint);
        import.Write(start, NpgsqlDbType.Bigint);
        import.Write(status, NpgsqlDbType.Varchar);
        import.Write(tags, NpgsqlDbType.Array | NpgsqlDbType.Text);
        import.Write(created, NpgsqlDbType.Bigint);
        import.Write(statusChanged, NpgsqlDbType.Bigint);
        import.Write(statusChanged, NpgsqlDbType.Bigint);
        import.Write(TaskSeeder.CreatedByUserId, NpgsqlDbType.Text);
        import.Write(Array.Empty<string>(), NpgsqlDbType.Array | NpgsqlDbType.Text);
        WriteNullable(import, errorType);
        WriteNullable(import, errorName);
        WriteNullable(import, errorMessage);
        WriteNullable(import, result);
        WriteNullable(import, executionStart);
        WriteNullable(import, executionEnd);
    }

    private static void WriteTag(NpgsqlBinaryImporter import, string taskId, string tag, string status, long priority, long start)
    {
        import.StartRow();
        import.Write(taskId, NpgsqlDbType.Varchar);
        import.Write(tag, NpgsqlDbType.Text);
        import.Write(status, NpgsqlDbType.Varchar);
        import.Write(priority, NpgsqlDbType.Bigint);
        import.Write(start, NpgsqlDbType.Bigint);
    }

    private static void WriteNullable(NpgsqlBinaryImporter import, string? value)
    {
        if (value is null) import.WriteNull();
        else import.Write(value, NpgsqlDbType.Text);
    }

    private static void WriteNullable(NpgsqlBinaryImporter import, long? value)
    {
        if (value is { } number) import.Write(number, NpgsqlDbType.Bigint);
        else import.WriteNull();
    }

    private static List<(string, string)> Query(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection);
        using var reader = command.ExecuteReader();
        var rows = new List<(string, string)>();
        while (reader.Read()) rows.Add((reader.GetString(0), reader.GetString(1)));
        return rows;
    }

    private static object? Scalar(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection);
        command.CommandTimeout = 0;
        return command.ExecuteScalar();
    }

    private static void Execute(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection);
        command.CommandTimeout = 0;
        command.ExecuteNonQuery();
    }
}
