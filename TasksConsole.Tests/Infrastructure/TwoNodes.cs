using Microsoft.Extensions.DependencyInjection;

namespace TasksConsole.Tests.Infrastructure;

/// <summary>
/// Two app hosts on one SQLite store, as two nodes would run: each has its own data directory (so nothing a node
/// keeps in files, such as an old key folder, is shared) and its own node id; the store is node A's database file.
/// Node B is disposed first, then A, which deletes the store.
/// </summary>
public sealed class TwoNodes : IAsyncDisposable
{
    private TwoNodes(TasksConsoleFactory a, TasksConsoleFactory b)
    {
        A = a;
        B = b;
    }

    public TasksConsoleFactory A { get; }
    public TasksConsoleFactory B { get; }

    public static TwoNodes Start(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var a = new TasksConsoleFactory();
        a.Settings["Execution:NodeId"] = "node-a";
        var b = new TasksConsoleFactory();
        b.Settings["Execution:NodeId"] = "node-b";
        // An absolute file name wins over the data directory: B opens A's database, keeping its own folder.
        b.Settings["Storage:DatabaseFileName"] = Path.Combine(a.DataDirectory, "tasksconsole.db");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            a.Settings[key] = value;
            b.Settings[key] = value;
        }
        // A migrates the store before B starts on it.
        _ = a.Services.GetRequiredService<IServiceProvider>();
        _ = b.Services.GetRequiredService<IServiceProvider>();
        return new TwoNodes(a, b);
    }

    public async ValueTask DisposeAsync()
    {
        await B.DisposeAsync();
        await A.DisposeAsync();
    }
}
