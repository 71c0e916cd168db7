using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace TasksConsole.Core.Data;

public static class StorageSetup
{
    /// <summary>
    /// Binds <see cref="StorageOptions"/> and registers the <see cref="DataDirectory"/> and a pooled
    /// <see cref="TasksDbContext"/> factory: over the SQLite file in it (the default), or over the PostgreSQL database
    /// of <c>ConnectionStrings:Tasks</c> when <c>Storage:Provider</c> is <c>PostgreSql</c>.
    /// </summary>
    public static IHostApplicationBuilder AddStorageCore(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<StorageOptions>()
            .Bind(builder.Configuration.GetSection(StorageOptions.Section))
            .Validate(o => !string.IsNullOrWhiteSpace(o.DataDirectory) && !string.IsNullOrWhiteSpace(o.DatabaseFileName),
                "Storage:DataDirectory and Storage:DatabaseFileName must not be empty.")
            .ValidateOnStart();

        var options = ReadOptions(builder);
        var dataDirectory = new DataDirectory(options.ResolveDataDirectory(builder.Environment.ContentRootPath));
        builder.Services.AddSingleton(dataDirectory);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SaveFailureLog>();
        switch (options.Provider)
        {
            case StorageProvider.PostgreSql:
                var postgres = builder.Configuration.GetConnectionString(StorageOptions.ConnectionStringName);
                if (string.IsNullOrWhiteSpace(postgres))
                {
                    throw new InvalidOperationException(
                        $"Storage:Provider is {nameof(StorageProvider.PostgreSql)} but ConnectionStrings:{StorageOptions.ConnectionStringName} " +
                        $"is empty: set it (e.g. ConnectionStrings__{StorageOptions.ConnectionStringName}=\"Host=db;Database=tasks;Username=...;Password=...\").");
                }
                builder.Services.AddSingleton(new PostgreSqlStore(postgres));
                builder.Services.AddPooledDbContextFactory<TasksDbContext>((services, db) =>
                    ConfigurePostgreSql(services.GetRequiredService<SaveFailureLog>().Apply(db), postgres));
                break;
            default:
                Directory.CreateDirectory(dataDirectory.Path);
                var sqlite = new SqliteConnectionStringBuilder
                {
                    DataSource = Path.Combine(dataDirectory.Path, options.DatabaseFileName),
                    Cache = SqliteCacheMode.Private,
                    Pooling = true,
                    DefaultTimeout = 30,
                }.ToString();
                builder.Services.AddPooledDbContextFactory<TasksDbContext>((services, db) => services.GetRequiredService<SaveFailureLog>().Apply(db)
                    .UseSqlite(sqlite, o => o.MigrationsAssembly(typeof(TasksDbContext).Assembly.FullName))
                    .AddInterceptors(new SqlitePragmaInterceptor(options.SqliteSynchronous)));
                break;
        }
        return builder;
    }

    /// <summary>
    /// The data directory, read from configuration at registration time: the store, the key ring and the job
    /// storage need the path to register themselves, before any service can be resolved.
    /// </summary>
    public static DataDirectory GetDataDirectory(this IHostApplicationBuilder builder) =>
        new(ReadOptions(builder).ResolveDataDirectory(builder.Environment.ContentRootPath));

    /// <summary>The configured store, read at registration time, for services that exist for one store only.</summary>
    public static StorageProvider GetStorageProvider(this IHostApplicationBuilder builder) => ReadOptions(builder).Provider;

    private static StorageOptions ReadOptions(IHostApplicationBuilder builder) =>
        builder.Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();

    private static DbContextOptionsBuilder ConfigurePostgreSql(DbContextOptionsBuilder db, string connectionString) =>
        db.UseNpgsql(connectionString, o => o.MigrationsAssembly(typeof(TasksDbContext).Assembly.FullName))
            .AddInterceptors(PostgreSqlQueryInterceptor.Instance);

    /// <summary>The advisory-lock key the nodes of one PostgreSQL store migrate under (any constant; "TCMIGRAT").</summary>
    private const long MigrationsLockKey = 0x54434D4947524154;

    /// <summary>
    /// Applies pending migrations. SQLite: the ones of <see cref="TasksDbContext"/>, and the file switches to WAL (a
    /// persistent setting of the file). PostgreSQL: the ones of <see cref="PostgreSqlTasksDbContext"/>; nodes that
    /// start together queue on an advisory lock, and the later ones find nothing left to apply.
    /// </summary>
    public static async Task MigrateTasksStoreAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        var factory = services.GetRequiredService<IDbContextFactory<TasksDbContext>>();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        if (db.Database.IsNpgsql())
        {
            var options = new DbContextOptionsBuilder<PostgreSqlTasksDbContext>();
            // From the registration, not the connection: an opened Npgsql connection forgets its password.
            ConfigurePostgreSql(options, services.GetRequiredService<PostgreSqlStore>().ConnectionString);
            await using var migrations = new PostgreSqlTasksDbContext(options.Options);
            // EF Core's own migrations lock is taken per migration's transaction, so with several pending migrations
            // a second node can slip in between two of them and apply one again. A session-level advisory lock, held
            // on one open connection across the whole run, makes the nodes migrate one after the other.
            await migrations.Database.OpenConnectionAsync(cancellationToken);
            try
            {
                await migrations.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({MigrationsLockKey})", cancellationToken);
                await migrations.Database.MigrateAsync(cancellationToken);
            }
            finally
            {
                await migrations.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({MigrationsLockKey})", CancellationToken.None);
                await migrations.Database.CloseConnectionAsync();
            }
            return;
        }
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        await db.Database.MigrateAsync(cancellationToken);
    }
}

/// <summary>Registered when the store is PostgreSQL: the database the store, and what shares it, connect to.</summary>
public sealed record PostgreSqlStore(string ConnectionString);
