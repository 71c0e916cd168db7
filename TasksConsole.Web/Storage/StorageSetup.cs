using TasksConsole.Core.Data;

namespace TasksConsole.Web.Storage;

public static class StorageSetup
{
    public static IHostApplicationBuilder AddStorage(this IHostApplicationBuilder builder) => builder.AddStorageCore();

    public static async Task InitializeStorageAsync(this WebApplication app)
    {
        await app.Services.MigrateTasksStoreAsync();
        app.Logger.LogInformation("Data directory: {DataDirectory}", app.Services.GetRequiredService<DataDirectory>().Path);
    }
}
