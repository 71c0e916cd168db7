using TasksConsole.Core.Data;

namespace TasksConsole.Web.Storage;

public static class StorageSetup
{
    public static IHostApplicationBuilder AddStorage(this IHostApplicationBuilder builder) => builder.AddStorageCore();

    public static async Task InitializeStorageAsync(this WebApplication app)
    {
        await app.Services.MigrateTasksStoreAsync();
        if (app.Services.GetService<PostgreSqlStore>() is { } postgres)
        {
            var database = new Npgsql.NpgsqlConnectionStringBuilder(postgres.ConnectionString);
            app.Logger.LogInformation("Store: PostgreSQL database {Database} on {Host}", database.Database, database.Host);
        }
        else
        {
            app.Logger.LogInformation("Data directory: {DataDirectory}", app.Services.GetRequiredService<DataDirectory>().Path);
        }
    }
}
