using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SQLitePCL;
using TasksConsole.Core.Data;
using TasksConsole.Core.Rql;
using TasksConsole.Core.Tasks;

namespace TasksConsole.Bench.Infrastructure;

/// <summary>One SQL statement a query ran, with its parameter values and how long it took in-process.</summary>
internal sealed record RecordedCommand(string Sql, IReadOnlyList<(string Name, object? Value)> Parameters, TimeSpan Elapsed);

/// <summary>
/// Why a list query costs what it costs: runs the same RQL through Core's <see cref="TaskQueries"/> in-process
/// (so the SQL is exactly what the server runs), times each statement, and shows SQLite's plan for it together
/// with the work the statement really did (virtual-machine steps, full-scan steps, sorts).
/// </summary>
internal static partial class QueryPlanProbe
{
    private const int MaxParametersShown = 4;

    public static async Task<IReadOnlyList<RecordedCommand>> ExplainAsync(
        string databasePath, string rawQuery, TextWriter output, CancellationToken cancellationToken)
    {
        var recorder = new CommandRecorder();
        var connectionString = new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly }.ToString();
        var options = new DbContextOptionsBuilder<TasksDbContext>().UseSqlite(connectionString).AddInterceptors(recorder).Options;
        var commands = await RecordAsync(new PooledDbContextFactory<TasksDbContext>(options), recorder, rawQuery, output, cancellationToken);
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        foreach (var command in commands)
        {
            output.WriteLine($"    -- {command.Elapsed.TotalMilliseconds:0.0} ms: {OneLine(command.Sql)}");
            if (command.Parameters.Count > 0)
            {
                var shown = command.Parameters.Take(MaxParametersShown).Select(p => $"{p.Name}={Show(p.Value)}");
                var more = command.Parameters.Count > MaxParametersShown ? $", … {command.Parameters.Count - MaxParametersShown} more" : "";
                output.WriteLine("       parameters: " + string.Join(", ", shown) + more);
            }
            foreach (var line in Plan(connection, command)) output.WriteLine("       " + line);
            output.WriteLine("       " + Work(connection, command));
        }
        return commands;
    }

    /// <summary>
    /// The same on a PostgreSQL store: the statements come from Core's own registration (so the server's query
    /// rewriting applies), and each one's plan is PostgreSQL's <c>EXPLAIN (ANALYZE, BUFFERS)</c>, which runs it.
    /// </summary>
    public static async Task<IReadOnlyList<RecordedCommand>> ExplainPostgresAsync(
        BenchStore store, string connectionString, string rawQuery, TextWriter output, CancellationToken cancellationToken)
    {
        var recorder = new CommandRecorder();
        var services = store.BuildServices(builder => builder.Services.ConfigureDbContext<TasksDbContext>(db => db.AddInterceptors(recorder)));
        await using (services)
        {
            var commands = await RecordAsync(services.GetRequiredService<IDbContextFactory<TasksDbContext>>(), recorder, rawQuery, output, cancellationToken);
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            foreach (var recorded in commands)
            {
                output.WriteLine($"    -- {recorded.Elapsed.TotalMilliseconds:0.0} ms: {OneLine(recorded.Sql)}");
                await using var command = new NpgsqlCommand("EXPLAIN (ANALYZE, BUFFERS) " + recorded.Sql, connection);
                foreach (var (name, value) in recorded.Parameters) command.Parameters.AddWithValue(name.TrimStart('@'), value ?? DBNull.Value);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken)) output.WriteLine("       plan: " + reader.GetString(0));
            }
            return commands;
        }
    }

    /// <summary>Runs the query through Core's <see cref="TaskQueries"/> twice and returns the statements of the second run, timed.</summary>
    private static async Task<List<RecordedCommand>> RecordAsync(
        IDbContextFactory<TasksDbContext> factory, CommandRecorder recorder, string rawQuery, TextWriter output, CancellationToken cancellationToken)
    {
        var queries = new TaskQueries(factory);
        var query = RqlParser.Parse(rawQuery);
        // The first run pays for model building and query compilation, which the server has long done.
        await queries.FindAsync(query, cancellationToken);
        recorder.Commands.Clear();
        var clock = Stopwatch.StartNew();
        await queries.FindAsync(query, cancellationToken);
        var total = clock.Elapsed;

        var commands = recorder.Commands.ToList();
        output.WriteLine($"    in-process TaskQueries.FindAsync: {total.TotalMilliseconds:0.0} ms in {commands.Count} statement(s)");
        return commands;
    }

    private static IEnumerable<string> Plan(SqliteConnection connection, RecordedCommand recorded)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + recorded.Sql;
        foreach (var (name, value) in recorded.Parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        using var reader = command.ExecuteReader();
        var depth = new Dictionary<long, int> { [0] = 0 };
        var lines = new List<string>();
        while (reader.Read())
        {
            var id = reader.GetInt64(0);
            var parent = reader.GetInt64(1);
            var level = depth.GetValueOrDefault(parent) + 1;
            depth[id] = level;
            lines.Add(new string(' ', 2 * (level - 1)) + "plan: " + reader.GetString(3));
        }
        return lines;
    }

    /// <summary>Runs the statement to completion through the C API, which is the only place SQLite reports the work done.</summary>
    private static string Work(SqliteConnection connection, RecordedCommand recorded)
    {
        var db = connection.Handle!;
        var rc = raw.sqlite3_prepare_v2(db, recorded.Sql, out sqlite3_stmt statement);
        if (rc != raw.SQLITE_OK) return $"work: not measured (prepare returned {rc}: {raw.sqlite3_errmsg(db).utf8_to_string()})";
        using (statement)
        {
            foreach (var (name, value) in recorded.Parameters)
            {
                var index = BindIndex(statement, name);
                if (index == 0) continue;
                _ = value switch
                {
                    null or DBNull => raw.sqlite3_bind_null(statement, index),
                    string text => raw.sqlite3_bind_text(statement, index, text),
                    bool flag => raw.sqlite3_bind_int64(statement, index, flag ? 1 : 0),
                    double number => raw.sqlite3_bind_double(statement, index, number),
                    float number => raw.sqlite3_bind_double(statement, index, number),
                    IConvertible number => raw.sqlite3_bind_int64(statement, index, number.ToInt64(CultureInfo.InvariantCulture)),
                    _ => raw.sqlite3_bind_text(statement, index, value.ToString() ?? ""),
                };
            }
            var clock = Stopwatch.StartNew();
            var rows = 0;
            while ((rc = raw.sqlite3_step(statement)) == raw.SQLITE_ROW) rows++;
            var elapsed = clock.Elapsed;
            if (rc != raw.SQLITE_DONE) return $"work: step failed with {rc}";
            return string.Create(CultureInfo.InvariantCulture,
                $"work: {rows:N0} row(s) out in {elapsed.TotalMilliseconds:0.0} ms; VM steps {Status(statement, raw.SQLITE_STMTSTATUS_VM_STEP):N0}, " +
                $"full-scan steps {Status(statement, raw.SQLITE_STMTSTATUS_FULLSCAN_STEP):N0}, sorts {Status(statement, raw.SQLITE_STMTSTATUS_SORT):N0}, " +
                $"automatic indexes {Status(statement, raw.SQLITE_STMTSTATUS_AUTOINDEX):N0}");
        }
    }

    /// <summary>Raw SQL run through EF names its parameters without the prefix the statement uses (p0 for @p0).</summary>
    private static int BindIndex(sqlite3_stmt statement, string name)
    {
        var index = raw.sqlite3_bind_parameter_index(statement, name);
        if (index != 0 || name is "" || name[0] is '@' or '$' or ':') return index;
        return new[] { "@", "$", ":" }.Select(prefix => raw.sqlite3_bind_parameter_index(statement, prefix + name)).FirstOrDefault(i => i != 0);
    }

    private static int Status(sqlite3_stmt statement, int counter) => raw.sqlite3_stmt_status(statement, counter, 0);

    /// <summary>The SQL on one line, with a long column list (every column of Tasks) cut down to its length.</summary>
    private static string OneLine(string sql)
    {
        var line = string.Join(' ', sql.Split((char[])['\r', '\n', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries));
        return LongSelectList().Replace(line, m => $"SELECT <{m.Groups[1].Value.Count(c => c == ',') + 1} columns> FROM ", 1);
    }

    [GeneratedRegex("^SELECT (.{160,}?) FROM ")]
    private static partial Regex LongSelectList();

    private static string Show(object? value) => value switch
    {
        null or DBNull => "NULL",
        string text => "'" + (text.Length > 80 ? text[..80] + "…" : text) + "'",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    private sealed class CommandRecorder : DbCommandInterceptor
    {
        private readonly ConcurrentDictionary<DbCommand, long> started = new();

        public ConcurrentQueue<RecordedCommand> Commands { get; } = new();

        public override InterceptionResult<DbDataReader> ReaderExecuting(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
        {
            started[command] = Stopwatch.GetTimestamp();
            return result;
        }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            started[command] = Stopwatch.GetTimestamp();
            return ValueTask.FromResult(result);
        }

        /// <summary>SQLite does its work while the reader is read, so a statement ends when its reader is let go.</summary>
        public override InterceptionResult DataReaderDisposing(DbCommand command, DataReaderDisposingEventData eventData, InterceptionResult result)
        {
            var elapsed = started.TryRemove(command, out var from) ? Stopwatch.GetElapsedTime(from) : TimeSpan.Zero;
            Commands.Enqueue(new RecordedCommand(
                command.CommandText,
                command.Parameters.Cast<DbParameter>().Select(p => (p.ParameterName, (object?)p.Value)).ToList(),
                elapsed));
            return result;
        }
    }
}
