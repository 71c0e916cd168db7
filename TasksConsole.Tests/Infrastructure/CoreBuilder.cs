using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TasksConsole.Core.Data;

namespace TasksConsole.Tests.Infrastructure;

/// <summary>
/// Core features registered through their own Setup methods, as the app registers them, for tests that need the
/// services without a web host: a store node, the engine harness, a component test's container.
/// </summary>
public static class CoreBuilder
{
    /// <summary>A host builder without appsettings, environment variables or logging providers: only <paramref name="settings"/>.</summary>
    public static HostApplicationBuilder Create(IEnumerable<KeyValuePair<string, string?>>? settings = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        return builder;
    }

    /// <summary>A host builder whose store is the SQLite file <paramref name="fileName"/> in <paramref name="directory"/>.</summary>
    public static HostApplicationBuilder WithStoreAt(string directory, string fileName) => Create(new Dictionary<string, string?>
    {
        ["Storage:DataDirectory"] = directory,
        ["Storage:DatabaseFileName"] = fileName,
    });

    /// <summary>A host builder whose store is the PostgreSQL database of <paramref name="connectionString"/>.</summary>
    public static HostApplicationBuilder WithPostgreSql(string connectionString) => Create(StoreSettings(connectionString));

    /// <summary>The settings that put a host's store on the PostgreSQL database of <paramref name="connectionString"/>.</summary>
    public static Dictionary<string, string?> StoreSettings(string connectionString) => new()
    {
        ["Storage:Provider"] = nameof(StorageProvider.PostgreSql),
        [$"ConnectionStrings:{StorageOptions.ConnectionStringName}"] = connectionString,
    };

    /// <summary>
    /// Adds what <paramref name="add"/> registers to a container that no host builds (bUnit's), leaving out the
    /// host's own defaults.
    /// </summary>
    public static IServiceCollection AddCore(this IServiceCollection services, Action<IHostApplicationBuilder> add)
    {
        var builder = Create();
        var hostDefaults = builder.Services.Count;
        add(builder);
        foreach (var descriptor in builder.Services.Skip(hostDefaults)) services.Add(descriptor);
        return services;
    }
}
