using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace TasksConsole.Core.Tasks.CrossNode;

public static class CrossNodeSetup
{
    /// <summary>
    /// Makes the change feed reach every node on the PostgreSQL database at <paramref name="connectionString"/>:
    /// <see cref="ITaskChangeFeed"/> becomes a <see cref="NodeTaskChangeFeed"/> over the in-process feed, with the
    /// sender and the listener as hosted services. Call it after <c>AddTasksCore</c>, only for PostgreSQL.
    /// </summary>
    public static IHostApplicationBuilder AddCrossNodeChangeFeedCore(this IHostApplicationBuilder builder, string connectionString)
    {
        builder.Services.AddOptions<CrossNodeOptions>()
            .Bind(builder.Configuration.GetSection(CrossNodeOptions.Section))
            .Validate(o => o.IsValid(),
                "Live:CrossNode needs a channel of letters, digits or '_' (at most 63), a gather window of at most 1 s, " +
                "a non-negative catch-up margin, a positive keep-alive interval and reconnect delays with max >= first.")
            .ValidateOnStart();

        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(new CrossNodeConnections(connectionString));
        services.AddSingleton<SeenChanges>();
        services.AddSingleton<TaskChangeFeed>();
        services.AddSingleton<NodeTaskChangeFeed>();
        services.Replace(ServiceDescriptor.Singleton<ITaskChangeFeed>(sp => sp.GetRequiredService<NodeTaskChangeFeed>()));
        services.AddSingleton<ChangeNotifier>();
        services.AddHostedService(sp => sp.GetRequiredService<ChangeNotifier>());
        services.AddSingleton<ChangeListener>();
        services.AddHostedService(sp => sp.GetRequiredService<ChangeListener>());
        return builder;
    }
}
