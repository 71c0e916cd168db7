using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.Storage.SQLite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using TasksConsole.Bench.Scenarios;
using TasksConsole.Core.Data;

namespace TasksConsole.Bench.Infrastructure;

/// <summary>
/// The store a scenario's servers run on (<c>--store</c>), and what the bench does to it directly: seed tasks, read
/// the engine's timestamps, explain a list query, and give the plain-Hangfire baseline a job storage of the same kind.
/// SQLite is a file in the scenario's data directory; PostgreSQL is a database made for the run on the
/// <c>--postgres</c> server and dropped afterwards.
/// </summary>
internal abstract class BenchStore : IAsyncDisposable
{
    protected BenchStore(string dataDirectory) => DataDirectory = dataDirectory;

    /// <summary>The server's data directory (node <c>i</c> of several gets its own beside it).</summary>
    public string DataDirectory { get; }

    /// <summary>What the figures were measured on, for the output: "SQLite" or "PostgreSQL".</summary>
    public abstract string Name { get; }

    /// <summary>The plain-Hangfire storage the baseline uses on this store, for the output.</summary>
    public abstract string HangfireStorageName { get; }

    /// <summary>Configuration that points a server at this store.</summary>
    protected abstract IReadOnlyList<string> ServerSettings { get; }

    public static async Task<BenchStore> CreateAsync(BenchOptions options, string dataDirectory, string purpose, CancellationToken cancellationToken)
    {
        if (options.Store == BenchStoreKind.Sqlite) return new SqliteBenchStore(dataDirectory);
        var database = await PostgresDatabase.CreateAsync(options.Postgres!, purpose, cancellationToken);
        return new PostgresBenchStore(dataDirectory, database);
    }

    /// <summary>
    /// Starts a server on this store, with the bench's <c>--set</c> settings last so that they win. On PostgreSQL,
    /// each <paramref name="node"/> gets its own data directory: nodes share the database, never a folder.
    /// Nodes on one machine would all default to its name as their node id, and a node treats claims under its id
    /// as its own (a restarted node recovers them): each gets an id of its own, as each host of a real cluster has.
    /// </summary>
    public Task<ServerProcess> StartServerAsync(
        BenchContext context, CancellationToken cancellationToken, int node = 0, IReadOnlyList<string>? settings = null) =>
        ServerProcess.StartAsync(node == 0 ? DataDirectory : $"{DataDirectory}-node{node}", context.Output, cancellationToken,
            [.. ServerSettings, $"Execution:NodeId=bench-node-{node}", .. settings ?? [], .. context.Options.ServerSettings]);

    /// <summary>The store's schema, as a server would make it at start-up.</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        var services = BuildServices();
        await using (services)
        {
            await services.MigrateTasksStoreAsync(cancellationToken);
        }
        ReleaseConnections();
    }

    /// <summary>Core services in the bench process over this store, registered as the server registers them.</summary>
    public ServiceProvider BuildServices(Action<IHostApplicationBuilder>? addFeatures = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(Configuration());
        builder.AddStorageCore();
        addFeatures?.Invoke(builder);
        return builder.Services.BuildServiceProvider();
    }

    /// <summary>Fills the migrated store with <paramref name="count"/> tasks drawn from <paramref name="profile"/>.</summary>
    public abstract SeedReport Seed(SeedProfile profile, int count, DateTimeOffset now, int seed, CancellationToken cancellationToken);

    /// <summary>
    /// Inserts <paramref name="count"/> new tasks due at <paramref name="start"/> into a running server's store in one
    /// transaction, so the dispatcher sees all of them or none; returns when the commit happened.
    /// </summary>
    public abstract DateTimeOffset SeedDue(int count, string functionName, DateTimeOffset start, string tag, CancellationToken cancellationToken, string status = "New");

    /// <summary>The engine's own timestamps of the tasks tagged <paramref name="tag"/>.</summary>
    public abstract List<TaskTiming> ReadTimings(string tag);

    /// <summary>
    /// Where the tasks tagged <paramref name="tag"/> are when they stop progressing: counted by status and by the
    /// node that claimed them, and the job storage's jobs by state and queue (on PostgreSQL, where nodes share it).
    /// </summary>
    public virtual string DescribeStall(string tag) =>
        string.Join("; ", ReadTimings(tag).GroupBy(t => (t.Status, Claimed: t.ClaimedBy is not null)).OrderBy(g => g.Key.Status, StringComparer.Ordinal)
            .Select(g => $"{g.Key.Status} {(g.Key.Claimed ? "claimed" : "unclaimed")}: {g.Count():N0}"));

    /// <summary>The statements a list query runs, timed, with the store's plan of each.</summary>
    public abstract Task ExplainAsync(string rawQuery, TextWriter output, CancellationToken cancellationToken);

    /// <summary>A fresh plain-Hangfire storage of this kind, with the serializer settings the app uses.</summary>
    public abstract JobStorage NewHangfireStorage(string purpose, TimeSpan? queuePollInterval);

    public abstract ValueTask DisposeAsync();

    protected abstract Dictionary<string, string?> Configuration();

    protected abstract void ReleaseConnections();
}

internal sealed class SqliteBenchStore(string dataDirectory) : BenchStore(dataDirectory)
{
    private string DatabasePath => Path.Combine(DataDirectory, TaskSeeder.DatabaseFileName);

    public override string Name => "SQLite";

    public override string HangfireStorageName => "Hangfire.Storage.SQLite";

    protected override IReadOnlyList<string> ServerSettings => [];

    public override SeedReport Seed(SeedProfile profile, int count, DateTimeOffset now, int seed, CancellationToken cancellationToken) =>
        TaskSeeder.Seed(DatabasePath, profile, count, now, seed, cancellationToken);

    public override DateTimeOffset SeedDue(int count, string functionName, DateTimeOffset start, string tag, CancellationToken cancellationToken, string status = "New") =>
        TaskSeeder.SeedDue(DatabasePath, count, functionName, start, tag, cancellationToken, status);

    public override List<TaskTiming> ReadTimings(string tag) => TaskTimings.Read(DatabasePath, tag);

    public override Task ExplainAsync(string rawQuery, TextWriter output, CancellationToken cancellationToken) =>
        QueryPlanProbe.ExplainAsync(DatabasePath, rawQuery, output, cancellationToken);

    public override JobStorage NewHangfireStorage(string purpose, TimeSpan? queuePollInterval)
    {
        HangfireBaseline.ConfigureLikeTheApp();
        var directory = $"{DataDirectory}-{purpose}";
        Directory.CreateDirectory(directory);
        var options = new SQLiteStorageOptions();
        if (queuePollInterval is { } poll) options.QueuePollInterval = poll;
        return new SQLiteStorage(Path.Combine(directory, "hangfire.db"), options);
    }

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;

    protected override Dictionary<string, string?> Configuration() => new()
    {
        ["Storage:DataDirectory"] = DataDirectory,
        ["Storage:DatabaseFileName"] = TaskSeeder.DatabaseFileName,
    };

    // The pool would otherwise keep the file open under the bulk load's exclusive settings.
    protected override void ReleaseConnections() => Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
}

internal sealed class PostgresBenchStore(string dataDirectory, PostgresDatabase database) : BenchStore(dataDirectory)
{
    public override string Name => "PostgreSQL";

    public override string HangfireStorageName => "Hangfire.PostgreSql";

    protected override IReadOnlyList<string> ServerSettings =>
        ["Storage:Provider=PostgreSql", $"ConnectionStrings:{StorageOptions.ConnectionStringName}={database.ConnectionString}"];

    public override SeedReport Seed(SeedProfile profile, int count, DateTimeOffset now, int seed, CancellationToken cancellationToken) =>
        PostgresSeeder.Seed(database.ConnectionString, profile, count, now, seed, cancellationToken);

    public override DateTimeOffset SeedDue(int count, string functionName, DateTimeOffset start, string tag, CancellationToken cancellationToken, string status = "New") =>
        PostgresSeeder.SeedDue(database.ConnectionString, count, functionName, start, tag, cancellationToken, status);

    public override List<TaskTiming> ReadTimings(string tag) => TaskTimings.ReadPostgres(database.ConnectionString, tag);

    public override Task ExplainAsync(string rawQuery, TextWriter output, CancellationToken cancellationToken) =>
        QueryPlanProbe.ExplainPostgresAsync(this, database.ConnectionString, rawQuery, output, cancellationToken);

    /// <summary>Each baseline in a schema of its own in the run's database, as the app keeps its jobs in <c>hangfire</c>.</summary>
    public override JobStorage NewHangfireStorage(string purpose, TimeSpan? queuePollInterval)
    {
        HangfireBaseline.ConfigureLikeTheApp();
        var options = new PostgreSqlStorageOptions { SchemaName = $"hangfire_{purpose.Replace('-', '_')}", PrepareSchemaIfNecessary = true };
        if (queuePollInterval is { } poll) options.QueuePollInterval = poll;
        return new PostgreSqlStorage(new NpgsqlConnectionFactory(database.ConnectionString, options), options);
    }

    public override ValueTask DisposeAsync() => database.DisposeAsync();

    public override string DescribeStall(string tag)
    {
        using var connection = new NpgsqlConnection(database.ConnectionString);
        connection.Open();
        var lines = new List<string> { "tasks: " + base.DescribeStall(tag) };
        foreach (var sql in new[]
                 {
                     // The app's Hangfire schema: jobs by state, and what waits in which queue, fetched or not.
                     "SELECT 'jobs ' || coalesce(statename, '(none)') || ': ' || count(*) FROM hangfire.job GROUP BY statename ORDER BY 1",
                     "SELECT 'queue ' || queue || (CASE WHEN fetchedat IS NULL THEN ' waiting' ELSE ' fetched' END) || ': ' || count(*) FROM hangfire.jobqueue GROUP BY queue, fetchedat IS NULL",
                     "SELECT 'servers: ' || string_agg(id || ' ' || data::text, ', ') FROM hangfire.server",
                     // Each stuck claim: its node, its tasks, and the jobs whose arguments carry its token, by state.
                     $"""
                     SELECT 'stuck claim ' || t."ClaimedBy" || ': ' || count(*) || ' tasks, jobs: ' ||
                            coalesce((SELECT string_agg(j.id || ' ' || coalesce(j.statename, '?'), ', ') FROM hangfire.job j
                                      WHERE j.arguments::text LIKE '%' || t."ClaimedBy" || '%'), 'none')
                     FROM "Tasks" t JOIN "TaskTags" g ON g."TaskId" = t."Id" AND g."Tag" = '{tag}'
                     WHERE t."Status" = 'New' AND t."ClaimedBy" IS NOT NULL GROUP BY t."ClaimedBy" LIMIT 10
                     """,
                 })
        {
            try
            {
                using var command = new NpgsqlCommand(sql, connection);
                using var reader = command.ExecuteReader();
                while (reader.Read()) lines.Add(reader.IsDBNull(0) ? "(null)" : reader.GetString(0));
            }
            catch (PostgresException ex)
            {
                lines.Add($"({sql[..30]}…: {ex.MessageText})");
            }
        }
        return string.Join(Environment.NewLine + "  ", lines);
    }

    protected override Dictionary<string, string?> Configuration() => new()
    {
        ["Storage:DataDirectory"] = DataDirectory,
        ["Storage:Provider"] = nameof(StorageProvider.PostgreSql),
        [$"ConnectionStrings:{StorageOptions.ConnectionStringName}"] = database.ConnectionString,
    };

    protected override void ReleaseConnections() => NpgsqlConnection.ClearAllPools();
}

/// <summary>A database made on a PostgreSQL server for one run, dropped (with any connection left to it) on dispose.</summary>
internal sealed class PostgresDatabase : IAsyncDisposable
{
    private readonly string server;
    private readonly string name;
    private readonly IDisposable cleanup;

    private PostgresDatabase(string server, string name)
    {
        this.server = server;
        this.name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = name }.ToString();
        // A bench stopped by Ctrl+C drops its database too.
        cleanup = CleanupRegistry.Register(() => DropAsync().GetAwaiter().GetResult());
    }

    public string ConnectionString { get; }

    public static async Task<PostgresDatabase> CreateAsync(string server, string purpose, CancellationToken cancellationToken)
    {
        var name = $"tc_bench_{purpose}_{Guid.NewGuid():N}"[..40];
        await ExecuteAsync(server, $"CREATE DATABASE \"{name}\"", cancellationToken);
        return new PostgresDatabase(server, name);
    }

    /// <summary>Runs the registered drop once (the registry forgets it), whether here or at process exit.</summary>
    public ValueTask DisposeAsync()
    {
        cleanup.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task DropAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await ExecuteAsync(server, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", CancellationToken.None);
    }

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
