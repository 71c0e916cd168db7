using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TasksConsole.Core.Data;
using TasksConsole.Core.Functions;
using TasksConsole.Core.Schedules;
using TasksConsole.Core.Tasks;
using TasksConsole.Tests.Infrastructure;

namespace TasksConsole.Tests.ScaleOut;

/// <summary>
/// Several real node processes on one PostgreSQL database, their functions answered by one <see cref="CountingLambda"/>.
/// The test reaches the store directly too (<see cref="Store"/>), as an operator's SQL would: to load many tasks at once
/// and to read what the nodes wrote. Everything is killed and dropped on dispose.
/// </summary>
public sealed class ScaleOutCluster : IAsyncDisposable
{
    public const string AdminEmail = "admin@scaleout.test";
    public const string AdminPassword = "Scale-out-Admin-Pa55!";

    /// <summary>Returns at once (or after <c>data.sleepMs</c>).</summary>
    public const string CountFunction = "count";

    /// <summary>The shortest time limit a function may have (3 s), for tests that wait for zombies.</summary>
    public const string ShortFunction = "short";

    private readonly List<AppNodeProcess> _nodes = [];

    private ScaleOutCluster(PostgresDatabase database, CountingLambda lambda, ServiceProvider store)
    {
        Database = database;
        Lambda = lambda;
        Store = store;
    }

    public PostgresDatabase Database { get; }
    public CountingLambda Lambda { get; }

    /// <summary>Core services over the cluster's database (no dispatcher, no web host).</summary>
    public ServiceProvider Store { get; }

    public IReadOnlyList<AppNodeProcess> Nodes => _nodes;

    public AppNodeProcess this[string nodeId] => _nodes.Single(node => node.NodeId == nodeId);

    /// <summary>
    /// Starts the nodes named in <paramref name="nodes"/> (node id, whether it dispatches), all with
    /// <paramref name="settings"/>. The first starts alone (it migrates and creates the admin), the rest together.
    /// </summary>
    public static async Task<ScaleOutCluster> StartAsync(
        IReadOnlyList<(string NodeId, bool Dispatches)> nodes, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var database = await PostgresTestStore.CreateAsync("scaleout");
        var lambda = await CountingLambda.StartAsync();
        var builder = CoreBuilder.WithPostgreSql(database.ConnectionString);
        builder.AddStorageCore().AddTasksCore().AddFunctionsCore().AddSchedulesCore();
        var cluster = new ScaleOutCluster(database, lambda, builder.Services.BuildServiceProvider());
        try
        {
            // Registered before any node starts, so every node's function catalog has them from its first read.
            var functions = cluster.Store.GetRequiredService<FunctionService>();
            await functions.CreateAsync(new FunctionDefinition { Name = CountFunction, LambdaFunctionName = CountFunction, TimeLimitSeconds = 30 });
            await functions.CreateAsync(new FunctionDefinition
            {
                Name = ShortFunction, LambdaFunctionName = ShortFunction, TimeLimitSeconds = FunctionDefaults.MinTimeLimitSeconds,
            });

            var common = lambda.NodeSettings();
            foreach (var (key, value) in CoreBuilder.StoreSettings(database.ConnectionString)) common[key] = value;
            common["Auth:BootstrapAdmin:Email"] = AdminEmail;
            common["Auth:BootstrapAdmin:Password"] = AdminPassword;
            common["Execution:WorkerCount"] = "4";
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) common[key] = value;

            Dictionary<string, string?> For((string NodeId, bool Dispatches) node) =>
                new(common) { ["Execution:DispatcherEnabled"] = node.Dispatches ? "true" : "false" };

            cluster._nodes.Add(await AppNodeProcess.StartAsync(nodes[0].NodeId, For(nodes[0])));
            var rest = nodes.Skip(1).Select(node => AppNodeProcess.StartAsync(node.NodeId, For(node))).ToList();
            try
            {
                await Task.WhenAll(rest);
            }
            finally
            {
                foreach (var started in rest.Where(t => t.IsCompletedSuccessfully)) cluster._nodes.Add(started.Result);
            }
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        return cluster;
    }

    /// <summary>An API client on <paramref name="node"/> signed in as the admin through the OAuth2 password grant.</summary>
    public async Task<HttpClient> AdminClientAsync(AppNodeProcess node)
    {
        var client = node.CreateHttpClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await AccessTokenAsync(node));
        return client;
    }

    public static async Task<string> AccessTokenAsync(AppNodeProcess node)
    {
        using var client = node.CreateHttpClient();
        var response = await client.PostAsJsonAsync(TasksConsoleFactory.TokenPath, new Dictionary<string, string>
        {
            ["client_id"] = TasksConsoleFactory.ClientId,
            ["grant_type"] = "password",
            ["username"] = AdminEmail,
            ["password"] = AdminPassword,
        });
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"Sign-in on {node.NodeId} failed: {(int)response.StatusCode} {body}");
        return TasksConsoleFactory.ReadTokenPair(body).AccessToken;
    }

    /// <summary>Inserts tasks in one transaction, as a bulk load would: they appear to every node at the same moment.</summary>
    public async Task<List<TaskRecord>> InsertTasksAsync(IEnumerable<NewTask> tasks)
    {
        var now = DateTimeOffset.UtcNow;
        var records = tasks.Select(task => TaskRecord.New(Core.Common.ObjectId.NewId(), task, Caller.System, now)).ToList();
        await using var db = await Store.GetRequiredService<IDbContextFactory<TasksDbContext>>().CreateDbContextAsync();
        db.Tasks.AddRange(records);
        await db.SaveChangesAsync();
        return records;
    }

    /// <summary>Tasks as the store has them now.</summary>
    public async Task<List<TaskRecord>> ReadTasksAsync(IReadOnlyCollection<string> ids)
    {
        await using var db = await Store.GetRequiredService<IDbContextFactory<TasksDbContext>>().CreateDbContextAsync();
        return await db.Tasks.AsNoTracking().Where(t => ids.Contains(t.Id)).ToListAsync();
    }

    public async Task<List<TaskRecord>> TasksOfScheduleAsync(string scheduleId)
    {
        await using var db = await Store.GetRequiredService<IDbContextFactory<TasksDbContext>>().CreateDbContextAsync();
        return await db.Tasks.AsNoTracking().Where(t => t.ScheduleId == scheduleId).OrderBy(t => t.StartTimestamp).ToListAsync();
    }

    public ScheduleService Schedules => Store.GetRequiredService<ScheduleService>();

    /// <summary>
    /// Fails with what the store holds (tasks by status and claiming node, Hangfire's queues) and every node's recent
    /// output when <paramref name="condition"/> does not hold in time.
    /// </summary>
    public async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        try
        {
            await Poll.UntilAsync(condition, timeout, what);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException(ex.Message + Environment.NewLine + await DescribeStoreAsync() + string.Concat(_nodes.Select(node =>
                $"{Environment.NewLine}--- {node.NodeId}{(node.HasExited ? " (exited)" : "")}:{Environment.NewLine}{node.RecentOutput()}")), ex);
        }
    }

    private async Task<string> DescribeStoreAsync()
    {
        const string Query = """
            SELECT 'tasks ' || "Status" || ' ' || COALESCE(split_part("ClaimedBy", ':', 1), 'unclaimed')
                   || CASE WHEN "ClaimedTimestamp" IS NULL THEN '' ELSE ' claimed ' || (EXTRACT(EPOCH FROM now()) * 1000 - max("ClaimedTimestamp"))::bigint / 1000 || ' s ago at the latest' END
                   || ': ' || count(*)
              FROM "Tasks" GROUP BY "Status", split_part("ClaimedBy", ':', 1), "ClaimedTimestamp" IS NULL
            UNION ALL
            SELECT 'hangfire queue ' || queue || (CASE WHEN fetchedat IS NULL THEN ' waiting' ELSE ' fetched' END) || ': ' || count(*)
              FROM hangfire.jobqueue GROUP BY queue, fetchedat IS NULL
            UNION ALL
            SELECT 'hangfire jobs ' || COALESCE(statename, '?') || ': ' || count(*) FROM hangfire.job GROUP BY statename
            """;
        try
        {
            await using var connection = new Npgsql.NpgsqlConnection(Database.ConnectionString);
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand(Query, connection);
            await using var reader = await command.ExecuteReaderAsync();
            var lines = new List<string>();
            while (await reader.ReadAsync()) lines.Add(reader.GetString(0));
            return string.Join(Environment.NewLine, lines);
        }
        catch (Npgsql.NpgsqlException ex)
        {
            return "(the store could not be described: " + ex.Message + ")";
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes) await node.DisposeAsync();
        await Store.DisposeAsync();
        await Lambda.DisposeAsync();
        await Database.DisposeAsync();
    }
}

/// <summary>
/// Three nodes shared by the tests that leave them running: A and B dispatch, C serves the console and the API only.
/// </summary>
public sealed class SharedCluster : IAsyncLifetime
{
    private ScaleOutCluster? _cluster;

    public ScaleOutCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster has not started.");
    public AppNodeProcess A => Cluster["node-a"];
    public AppNodeProcess B => Cluster["node-b"];
    public AppNodeProcess C => Cluster["node-c"];

    public async Task InitializeAsync() =>
        _cluster = await ScaleOutCluster.StartAsync([("node-a", true), ("node-b", true), ("node-c", false)], new Dictionary<string, string?>
        {
            // The backstop that releases a live node's claims left unstarted this long would hand a slow node's
            // claims to the other node on a loaded machine, and the priority order of claims could not be checked.
            ["Execution:ClaimTimeout"] = "00:30:00",
        });

    public async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ScaleOutCollection : ICollectionFixture<SharedCluster>
{
    public const string Name = "Scale-out: three node processes on one PostgreSQL database";
}
