using TasksConsole.Core.Data;
using TasksConsole.Core.Tasks.CrossNode;

namespace TasksConsole.Web.Live;

public static class LiveSetup
{
    /// <summary>
    /// The change feed's two outlets: the SignalR hub (with its relay) and each console circuit's batched view. On
    /// PostgreSQL, where several nodes may share the store, the feed also carries the other nodes' changes.
    /// </summary>
    public static IHostApplicationBuilder AddLive(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSignalR();
        builder.Services.AddHostedService<TaskChangeRelay>();
        builder.Services.AddScoped<CircuitTaskChanges>();

        if (builder.GetStorageProvider() == StorageProvider.PostgreSql)
        {
            var connectionString = builder.Configuration.GetConnectionString(StorageOptions.ConnectionStringName);
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new InvalidOperationException(
                    $"Storage:Provider is PostgreSql but ConnectionStrings:{StorageOptions.ConnectionStringName} is not set.");
            }
            builder.AddCrossNodeChangeFeedCore(connectionString);
        }
        return builder;
    }
}
