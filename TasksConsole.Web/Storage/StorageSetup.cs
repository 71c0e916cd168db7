using TasksConsole.Core.Data;

namespace TasksConsole.Web.Storage;

public static class StorageSetup
{
    public static WebApplicationBuilder AddTasksStorage(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        var dataDirectory = options.ResolveDataDirectory(builder.Environment.ContentRootPath);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(new DataDirectory(dataDirectory));
        builder.Services.AddTasksStore(dataDirectory, options.DatabaseFileName);
        return builder;
    }

    public static async Task InitializeStorageAsync(this WebApplication app)
    {
        await app.Services.MigrateTasksStoreAsync();
        app.Logger.LogInformation("Data directory: {DataDirectory}", app.Services.GetRequiredService<DataDirectory>().Path);
    }
}

/// <summary>The resolved folder holding the SQLite files, for the features that keep their own files there.</summary>
public sealed record DataDirectory(string Path);
