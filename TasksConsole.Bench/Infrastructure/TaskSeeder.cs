using System.Diagnostics;
using System.Text;
using Microsoft.Data.Sqlite;
using TasksConsole.Core.Common;
using TasksConsole.Core.Data;

namespace TasksConsole.Bench.Infrastructure;

/// <summary>What was seeded, and how long it took.</summary>
internal sealed record SeedReport(
    int Tasks,
    long TagRows,
    TimeSpan InsertTime,
    TimeSpan IndexTime,
    long DatabaseBytes,
    IReadOnlyDictionary<string, long> TasksPerTag,
    IReadOnlyDictionary<string, long> TasksPerFunction,
    DateTimeOffset FirstCreation,
    DateTimeOffset LastCreation)
{
    public TimeSpan TotalTime => InsertTime + IndexTime;
    public double RowsPerSecond => (Tasks + TagRows) / TotalTime.TotalSeconds;
}

/// <summary>
/// Fills a task store fast: the schema comes from Core's real migrations, the rows go in through raw prepared
/// INSERTs in large transactions, in exactly the form EF writes them (ids 24-hex and time-ordered, status as
/// the C# enum name, instants as Unix milliseconds, tags as a JSON array, one TaskTags row per tag repeating
/// the task's status, priority and start).
/// </summary>
/// <remarks>
/// The secondary indexes are dropped for the load and rebuilt from their own DDL afterwards: building an index
/// from sorted data is several times faster than keeping eight of them up to date row by row, and the resulting
/// schema is checked to be identical. No ANALYZE is run, because the application never runs one either: the
/// planner must see what it sees in production.
/// </remarks>
internal static class TaskSeeder
{
    public const string DatabaseFileName = "tasksconsole.db";
    private const int RowsPerTransaction = 50_000;

    /// <summary>Fixed middle bytes of the seeded ids (where ObjectId has its per-process random part).</summary>
    private static readonly byte[] IdMiddle = [0xbe, 0x4c, 0x0f, 0x5e, 0xed];

    public const string CreatedByUserId = "be4c0f5eed0000000000a001";

    private const string InsertTaskSql = """
        INSERT INTO Tasks (Id, FunctionName, DataJson, Priority, StartTimestamp, Status, Tags, CreationTimestamp,
            UpdateTimestamp, StatusChangedTimestamp, CreatedByUserId, CreatedByApplicationId, ScheduleId, RetryForTaskIds,
            RetriedByTaskId, ErrorType, ErrorName, ErrorMessage, ResultJson, ExecutionStartTimestamp, ExecutionEndTimestamp,
            ClaimedBy, ClaimedTimestamp)
        VALUES ($id, $function, $data, $priority, $start, $status, $tags, $created, $updated, $statusChanged, $user, NULL,
            NULL, '[]', NULL, $errorType, $errorName, $errorMessage, $result, $executionStart, $executionEnd, NULL, NULL)
        """;

    private const string InsertTagSql =
        "INSERT INTO TaskTags (TaskId, Tag, Status, Priority, StartTimestamp) VALUES ($taskId, $tag, $status, $priority, $start)";

    public static async Task MigrateAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        var services = StoreServices.Build(dataDirectory);
        await using (services)
        {
            await services.MigrateTasksStoreAsync(cancellationToken);
        }
        // The pool would otherwise keep the file open under the bulk load's exclusive settings.
        SqliteConnection.ClearAllPools();
    }

    public static SeedReport Seed(string databasePath, SeedProfile profile, int count, DateTimeOffset now, int seed, CancellationToken cancellationToken)
    {
        var rows = new SeedRows(profile, count, now, seed);
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false }.ToString());
        connection.Open();
        Execute(connection, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-262144; PRAGMA temp_store=MEMORY;");
        var indexes = SecondaryIndexes(connection);
        foreach (var (name, _) in indexes) Execute(connection, $"DROP INDEX \"{name}\";");

        var clock = Stopwatch.StartNew();
        using var insertTask = connection.CreateCommand();
        insertTask.CommandText = InsertTaskSql;
        var p = new Dictionary<string, SqliteParameter>();
        foreach (var name in new[]
                 {
                     "id", "function", "data", "priority", "start", "status", "tags", "created", "updated", "statusChanged", "user",
                     "errorType", "errorName", "errorMessage", "result", "executionStart", "executionEnd",
                 })
        {
            p[name] = insertTask.Parameters.Add(new SqliteParameter("$" + name, null));
        }
        using var insertTag = connection.CreateCommand();
        insertTag.CommandText = InsertTagSql;
        var tagTaskId = insertTag.Parameters.Add(new SqliteParameter("$taskId", null));
        var tagName = insertTag.Parameters.Add(new SqliteParameter("$tag", null));
        var tagStatus = insertTag.Parameters.Add(new SqliteParameter("$status", null));
        var tagPriority = insertTag.Parameters.Add(new SqliteParameter("$priority", null));
        var tagStart = insertTag.Parameters.Add(new SqliteParameter("$start", null));

        var json = new StringBuilder(64);
        SqliteTransaction? transaction = null;
        try
        {
            var i = 0;
            foreach (var row in rows.Generate())
            {
                if (i++ % RowsPerTransaction == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    transaction?.Commit();
                    transaction?.Dispose();
                    transaction = connection.BeginTransaction();
                    insertTask.Transaction = transaction;
                    insertTag.Transaction = transaction;
                    if (i == 1)
                    {
                        insertTask.Prepare();
                        insertTag.Prepare();
                    }
                }

                json.Clear().Append('[');
                for (var t = 0; t < row.Tags.Length; t++)
                {
                    if (t > 0) json.Append(',');
                    json.Append('"').Append(row.Tags[t]).Append('"');
                }
                json.Append(']');

                p["id"].Value = row.Id;
                p["function"].Value = row.Function;
                p["data"].Value = row.DataJson;
                p["priority"].Value = row.Priority;
                p["start"].Value = row.Start;
                p["status"].Value = row.Status;
                p["tags"].Value = json.ToString();
                p["created"].Value = row.Created;
                p["updated"].Value = row.StatusChanged;
                p["statusChanged"].Value = row.StatusChanged;
                p["user"].Value = CreatedByUserId;
                p["errorType"].Value = (object?)row.ErrorType ?? DBNull.Value;
                p["errorName"].Value = (object?)row.ErrorName ?? DBNull.Value;
                p["errorMessage"].Value = (object?)row.ErrorMessage ?? DBNull.Value;
                p["result"].Value = (object?)row.ResultJson ?? DBNull.Value;
                p["executionStart"].Value = row.ExecutionStart is { } es ? es : DBNull.Value;
                p["executionEnd"].Value = row.ExecutionEnd is { } ee ? ee : DBNull.Value;
                insertTask.ExecuteNonQuery();

                tagTaskId.Value = row.Id;
                tagStatus.Value = row.Status;
                tagPriority.Value = row.Priority;
                tagStart.Value = row.Start;
                foreach (var tag in row.Tags)
                {
                    tagName.Value = tag;
                    insertTag.ExecuteNonQuery();
                }
            }
            transaction?.Commit();
        }
        finally
        {
            transaction?.Dispose();
        }
        var insertTime = clock.Elapsed;

        clock.Restart();
        foreach (var (_, sql) in indexes) Execute(connection, sql + ";");
        var rebuilt = SecondaryIndexes(connection);
        if (!rebuilt.SequenceEqual(indexes))
        {
            throw new InvalidOperationException("The rebuilt indexes differ from the ones the migrations created.");
        }
        Execute(connection, "PRAGMA journal_mode=WAL;");
        var indexTime = clock.Elapsed;
        connection.Close();

        return rows.Report(insertTime, indexTime, new FileInfo(databasePath).Length);
    }

    /// <summary>
    /// Inserts <paramref name="count"/> new tasks for <paramref name="functionName"/>, all starting at
    /// <paramref name="start"/> and tagged <paramref name="tag"/>, into the database of a running server, in one
    /// transaction: the dispatcher sees all of them at once or none. Unlike <see cref="Seed"/>, the indexes and the
    /// journal mode are left alone, because the server has the file open. Returns when the commit happened.
    /// </summary>
    public static DateTimeOffset SeedDue(string databasePath, int count, string functionName, DateTimeOffset start, string tag, CancellationToken cancellationToken, string status = "New")
    {
        var builder = new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false, DefaultTimeout = 60 };
        using var connection = new SqliteConnection(builder.ToString());
        connection.Open();
        // The server's own writers may hold the lock for a moment; wait in SQLite rather than fail.
        Execute(connection, "PRAGMA busy_timeout=30000;");
        using var transaction = connection.BeginTransaction();
        using var insertTask = connection.CreateCommand();
        insertTask.CommandText = InsertTaskSql;
        insertTask.Transaction = transaction;
        using var insertTag = connection.CreateCommand();
        insertTag.CommandText = InsertTagSql;
        insertTag.Transaction = transaction;

        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var startMs = start.ToUnixTimeMilliseconds();
        var id = insertTask.Parameters.Add(new SqliteParameter("$id", null));
        insertTask.Parameters.AddWithValue("$function", functionName);
        var data = insertTask.Parameters.Add(new SqliteParameter("$data", null));
        insertTask.Parameters.AddWithValue("$priority", 0L);
        insertTask.Parameters.AddWithValue("$start", startMs);
        insertTask.Parameters.AddWithValue("$status", status);
        insertTask.Parameters.AddWithValue("$tags", $"[\"{tag}\"]");
        insertTask.Parameters.AddWithValue("$created", now);
        insertTask.Parameters.AddWithValue("$updated", now);
        insertTask.Parameters.AddWithValue("$statusChanged", now);
        insertTask.Parameters.AddWithValue("$user", CreatedByUserId);
        foreach (var name in new[] { "$errorType", "$errorName", "$errorMessage", "$result", "$executionStart", "$executionEnd" })
        {
            insertTask.Parameters.AddWithValue(name, DBNull.Value);
        }
        var tagTaskId = insertTag.Parameters.Add(new SqliteParameter("$taskId", null));
        insertTag.Parameters.AddWithValue("$tag", tag);
        insertTag.Parameters.AddWithValue("$status", status);
        insertTag.Parameters.AddWithValue("$priority", 0L);
        insertTag.Parameters.AddWithValue("$start", startMs);
        insertTask.Prepare();
        insertTag.Prepare();

        for (var i = 0; i < count; i++)
        {
            if (i % 1000 == 0) cancellationToken.ThrowIfCancellationRequested();
            // Ids as the server makes them, so they can never collide with tasks it creates itself.
            id.Value = tagTaskId.Value = ObjectId.NewId();
            data.Value = $"{{\"n\":{i}}}";
            insertTask.ExecuteNonQuery();
            insertTag.ExecuteNonQuery();
        }
        transaction.Commit();
        return DateTimeOffset.UtcNow;
    }

    /// <summary>
    /// New tasks start in the future: a backlog of due tasks would set a dispatcher to work during the
    /// measurements. Most others started when they were created, some were scheduled up to a day ahead.
    /// </summary>
    internal static long StartOf(string status, long created, long now, Random random)
    {
        if (status == "New") return now + 60_000 + (long)(random.NextDouble() * TimeSpan.FromDays(30).TotalMilliseconds);
        var delay = random.NextDouble() < 0.7 ? 0 : (long)(random.NextDouble() * TimeSpan.FromDays(1).TotalMilliseconds);
        return Math.Min(created + delay, now - 60_000);
    }

    internal static (long StatusChanged, long? ExecutionStart, long? ExecutionEnd) Lifecycle(
        string status, long created, long start, long now, Random random)
    {
        var executionStart = start + random.Next(5, 500);
        var executionEnd = Math.Min(executionStart + random.Next(50, 60_000), now);
        return status switch
        {
            "New" => (created, null, null),
            "InProgress" => (executionStart, executionStart, null),
            "Canceled" => (Math.Max(created, start - random.Next(0, 3_600_000)), null, null),
            _ => (executionEnd, executionStart, executionEnd),
        };
    }

    /// <summary>ObjectId layout: 4 bytes of creation seconds, 5 fixed bytes, a 3-byte counter; ascending in <paramref name="index"/>.</summary>
    internal static string NewId(long createdMs, int index)
    {
        var seconds = (uint)(createdMs / 1000);
        Span<byte> bytes = stackalloc byte[12];
        bytes[0] = (byte)(seconds >> 24);
        bytes[1] = (byte)(seconds >> 16);
        bytes[2] = (byte)(seconds >> 8);
        bytes[3] = (byte)seconds;
        IdMiddle.CopyTo(bytes[4..9]);
        bytes[9] = (byte)(index >> 16);
        bytes[10] = (byte)(index >> 8);
        bytes[11] = (byte)index;
        return Convert.ToHexStringLower(bytes);
    }

    private static List<(string Name, string Sql)> SecondaryIndexes(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('Tasks', 'TaskTags') AND sql IS NOT NULL ORDER BY name";
        using var reader = command.ExecuteReader();
        var indexes = new List<(string, string)>();
        while (reader.Read()) indexes.Add((reader.GetString(0), reader.GetString(1)));
        return indexes;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>Weight of rank k (0-based) proportional to 1/(k+1)^s.</summary>
    internal sealed class ZipfSampler(int count, double exponent)
        : WeightedSampler(Enumerable.Range(1, count).Select(k => 1 / Math.Pow(k, exponent)).ToList());

    internal class WeightedSampler
    {
        private readonly double[] cumulative;

        public WeightedSampler(IReadOnlyList<double> weights)
        {
            cumulative = new double[weights.Count];
            var sum = 0.0;
            for (var i = 0; i < weights.Count; i++) cumulative[i] = sum += weights[i];
            for (var i = 0; i < cumulative.Length; i++) cumulative[i] /= sum;
        }

        public int Next(Random random)
        {
            var index = Array.BinarySearch(cumulative, random.NextDouble());
            return Math.Min(index < 0 ? ~index : index, cumulative.Length - 1);
        }
    }
}
