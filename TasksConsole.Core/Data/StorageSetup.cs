using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace TasksConsole.Core.Data;

public static class StorageServiceCollectionExtensions
{
    /// <summary>Registers a pooled <see cref="TasksDbContext"/> factory over the SQLite file in the data directory.</summary>
    public static IServiceCollection AddTasksStore(this IServiceCollection services, string dataDirectory, string databaseFileName)
    {
        Directory.CreateDirectory(dataDirectory);
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(dataDirectory, databaseFileName),
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();

        services.AddPooledDbContextFactory<TasksDbContext>(options => options
            .UseSqlite(connectionString, sqlite => sqlite.MigrationsAssembly(typeof(TasksDbContext).Assembly.FullName))
            .AddInterceptors(new SqlitePragmaInterceptor()));
        return services;
    }

    /// <summary>Applies pending migrations and switches the file to WAL (a persistent setting of the file).</summary>
    public static async Task MigrateTasksStoreAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        var factory = services.GetRequiredService<IDbContextFactory<TasksDbContext>>();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        await db.Database.MigrateAsync(cancellationToken);
    }
}
