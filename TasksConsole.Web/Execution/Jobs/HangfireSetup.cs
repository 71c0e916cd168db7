using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.States;
using Hangfire.Storage.SQLite;
using Microsoft.Extensions.Options;
using TasksConsole.Core.Data;
using TasksConsole.Core.Execution;

namespace TasksConsole.Web.Execution.Jobs;

/// <summary>
/// Hangfire carries claimed batches from the dispatcher to the workers and runs the periodic cleanup. It stays at
/// this edge: Core knows only <see cref="ITaskBatchQueue"/> and <see cref="ExecutionRecovery"/>.
/// </summary>
public static class HangfireSetup
{
    public static IHostApplicationBuilder AddHangfireJobs(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<ITaskBatchQueue, HangfireTaskBatchQueue>();
        services.AddTransient<TaskExecutionJob>();
        services.AddTransient<ZombieCleanupJob>();
        // Hangfire's defaults for these two are its process-wide statics (JobStorage.Current, JobActivator.Current),
        // read when first resolved: two hosts in one process (the tests, the bench) would run each other's jobs with
        // each other's services. Registered first, this host's own instances win over those defaults.
        services.AddSingleton(CreateStorage);
        services.AddSingleton<JobActivator>(provider => new AspNetCoreJobActivator(provider.GetRequiredService<IServiceScopeFactory>()));
        services.AddHangfire((provider, configuration) => configuration
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseLogProvider(new HostLogProvider(provider.GetRequiredService<ILoggerFactory>()))
            .UseStorage(provider.GetRequiredService<JobStorage>()));
        services.AddHangfireServer((provider, server) =>
        {
            var options = provider.GetRequiredService<IOptions<ExecutionOptions>>().Value;
            server.WorkerCount = options.WorkerCount;
            server.SchedulePollingInterval = TimeSpan.FromSeconds(1);
            server.ServerName = options.NodeId;
            // Its own batches only (see HangfireTaskBatchQueue), and the recurring jobs, which any node may run.
            server.Queues = [NodeQueue.For(options.NodeId), EnqueuedState.DefaultQueue];
        });
        services.AddHostedService<RecurringJobRegistration>();
        return builder;
    }

    /// <summary>
    /// The job storage, the one place that knows it: SQLite in the data directory, beside the tasks database (or
    /// PostgreSQL, when the store is, see <see cref="CreatePostgreSqlStorage"/>), keeping finished jobs for
    /// <see cref="ExecutionOptions.JobRetention"/>.
    /// </summary>
    private static JobStorage CreateStorage(IServiceProvider provider)
    {
        var options = provider.GetRequiredService<IOptions<ExecutionOptions>>().Value;
        JobStorage storage = provider.GetService<PostgreSqlStore>() is { } postgres
            ? CreatePostgreSqlStorage(postgres, options)
            : CreateSqliteStorage(Path.Combine(provider.GetRequiredService<DataDirectory>().Path, "hangfire.db"), options);
        storage.JobExpirationTimeout = options.JobRetention;
        return storage;
    }

    /// <summary>Both storages look for expired jobs once an hour by default; sooner when they expire sooner.</summary>
    private static TimeSpan ExpirationCheckInterval(ExecutionOptions options) =>
        options.JobRetention < TimeSpan.FromHours(1) ? options.JobRetention : TimeSpan.FromHours(1);

    /// <summary>
    /// The storage opens its connections in WAL mode but leaves them at synchronous=FULL, an fsync per commit, and a job
    /// makes several commits; NORMAL syncs at checkpoints only and, under WAL, still loses nothing committed when the
    /// process dies. Its busy timeout is the library's own.
    /// </summary>
    private static SQLiteStorage CreateSqliteStorage(string path, ExecutionOptions options) =>
        new(
            new SQLiteDbConnectionFactory(() =>
            {
                var connection = new SQLite.SQLiteConnection(path,
                    SQLite.SQLiteOpenFlags.ReadWrite | SQLite.SQLiteOpenFlags.Create | SQLite.SQLiteOpenFlags.NoMutex,
                    storeDateTimeAsTicks: true) { BusyTimeout = TimeSpan.FromSeconds(10) };
                connection.ExecuteScalar<string>("PRAGMA synchronous=NORMAL");
                return connection;
            }),
            new SQLiteStorageOptions { QueuePollInterval = options.QueuePollInterval, JobExpirationCheckInterval = ExpirationCheckInterval(options) });

    /// <summary>
    /// With the store on PostgreSQL, the jobs live in the same database, in their own schema (<c>hangfire</c>), shared
    /// by every node; each node's batches go to a queue of its own (<see cref="NodeQueue"/>). Queue polling as on SQLite; the schema is created by the first node to
    /// start.
    /// </summary>
    private static PostgreSqlStorage CreatePostgreSqlStorage(PostgreSqlStore store, ExecutionOptions options)
    {
        var storageOptions = new PostgreSqlStorageOptions
        {
            SchemaName = HangfireSchema,
            QueuePollInterval = options.QueuePollInterval,
            JobExpirationCheckInterval = ExpirationCheckInterval(options),
            PrepareSchemaIfNecessary = true,
        };
        return new PostgreSqlStorage(new NpgsqlConnectionFactory(store.ConnectionString, storageOptions), storageOptions);
    }

    /// <summary>The PostgreSQL schema of Hangfire's tables.</summary>
    public const string HangfireSchema = "hangfire";

    /// <summary>Registers (or updates) the recurring jobs in the job storage when the host starts.</summary>
    private sealed class RecurringJobRegistration(IRecurringJobManager recurringJobs) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            recurringJobs.AddOrUpdate<ZombieCleanupJob>(ZombieCleanupJob.Id, job => job.RunAsync(CancellationToken.None), Cron.Minutely());
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
