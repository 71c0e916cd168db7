using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace TasksConsole.Core.Data;

public static class StorageSetup
{
    /// <summary>
    /// Binds <see cref="StorageOptions"/> and registers the <see cref="DataDirectory"/> and a pooled
    /// <see cref="TasksDbContext"/> factory over the SQLite file in it.
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
        Directory.CreateDirectory(dataDirectory.Path);
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(dataDirectory.Path, options.DatabaseFileName),
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();

        builder.Services.AddSingleton(dataDirectory);
        builder.Services.AddPooledDbContextFactory<TasksDbContext>(options => options
            .UseSqlite(connectionString, sqlite => sqlite.MigrationsAssembly(typeof(TasksDbContext).Assembly.FullName))
            .AddInterceptors(new SqlitePragmaInterceptor()));
        return builder;
    }

    /// <summary>
    /// The data directory, read from configuration at registration time: the store, the key ring and the job
    /// storage need the path to register themselves, before any service can be resolved.
    /// </summary>
    public static DataDirectory GetDataDirectory(this IHostApplicationBuilder builder) =>
        new(ReadOptions(builder).ResolveDataDirectory(builder.Environment.ContentRootPath));

    private static StorageOptions ReadOptions(IHostApplicationBuilder builder) =>
        builder.Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();

    /// <summary>Applies pending migrations and switches the file to WAL (a persistent setting of the file).</summary>
    public static async Task MigrateTasksStoreAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        var factory = services.GetRequiredService<IDbContextFactory<TasksDbContext>>();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        await db.Database.MigrateAsync(cancellationToken);
    }
}
