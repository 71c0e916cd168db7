using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace TasksConsole.Bench.Infrastructure;

/// <summary>
/// One task's life as the engine recorded it, in Unix milliseconds: when it was created, when it was due, claimed by
/// the dispatcher, moved to in progress (just before Lambda was called), when its invocation ended and when its
/// outcome was committed (<see cref="StatusChanged"/>, once it is finished).
/// </summary>
internal sealed record TaskTiming(
    string Status, long Created, long Start, string? ClaimedBy, long? Claimed, long? ExecutionStart, long? ExecutionEnd, long StatusChanged, string Id)
{
    public bool IsComplete => Status == "Complete";

    /// <summary>Done with, one way or the other: nothing more will happen to it.</summary>
    public bool IsFinished => Status is "Complete" or "Failed" or "Retried" or "Canceled";
}

/// <summary>
/// Reads the engine's own timestamps from the server's store while the server keeps running: its SQLite file,
/// read-only (WAL lets a reader in beside the writer), or its PostgreSQL database. Nothing is added to the server to be measured, and the figures come from
/// the same columns the console shows.
/// </summary>
internal static class TaskTimings
{
    public static List<TaskTiming> Read(string databasePath, string tag)
    {
        var builder = new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false };
        using var connection = new SqliteConnection(builder.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = Query;
        command.Parameters.AddWithValue("@tag", tag);
        return ReadAll(command.ExecuteReader());
    }

    /// <summary>The same columns from a PostgreSQL store, over a connection of the bench's own.</summary>
    public static List<TaskTiming> ReadPostgres(string connectionString, string tag)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(Query, connection);
        command.Parameters.AddWithValue("tag", tag);
        return ReadAll(command.ExecuteReader());
    }

    private const string Query = """
            SELECT t."Status", t."CreationTimestamp", t."StartTimestamp", t."ClaimedBy", t."ClaimedTimestamp", t."ExecutionStartTimestamp",
                   t."ExecutionEndTimestamp", t."StatusChangedTimestamp", t."Id"
            FROM "TaskTags" g JOIN "Tasks" t ON t."Id" = g."TaskId"
            WHERE g."Tag" = @tag
            """;

    private static List<TaskTiming> ReadAll(DbDataReader reader)
    {
        using (reader)
        {
            var timings = new List<TaskTiming>();
            while (reader.Read())
            {
                timings.Add(new TaskTiming(
                    reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), NullableString(reader, 3), NullableLong(reader, 4),
                    NullableLong(reader, 5), NullableLong(reader, 6), reader.GetInt64(7), reader.GetString(8)));
            }
            return timings;
        }
    }

    private static string? NullableString(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static long? NullableLong(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);
}
