using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TasksConsole.Core.Data;

namespace TasksConsole.Bench.Infrastructure;

/// <summary>Core services in the bench process over a data directory's SQLite file, registered as the server registers them.</summary>
internal static class StoreServices
{
    public static ServiceProvider Build(string dataDirectory, Action<IHostApplicationBuilder>? addFeatures = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = dataDirectory,
            ["Storage:DatabaseFileName"] = TaskSeeder.DatabaseFileName,
        });
        builder.AddStorageCore();
        addFeatures?.Invoke(builder);
        return builder.Services.BuildServiceProvider();
    }
}
