using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

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
        try
        {
            StartOrExplain(a, "A");
            StartOrExplain(b, "B");
        }
        catch
        {
            b.Dispose();
            a.Dispose();
            throw;
        }
        return new TwoNodes(a, b);
    }

    /// <summary>
    /// Starts a node's host. A host that stops while it starts surfaces only as an ObjectDisposedException from the
    /// test server, so a failure carries what the node logged at Information and above.
    /// </summary>
    private static void StartOrExplain(TasksConsoleFactory node, string name)
    {
        try
        {
            _ = node.Services.GetRequiredService<IServiceProvider>();
        }
        catch (Exception ex)
        {
            var logged = string.Join("\n", node.Logs.Entries.Where(e => e.Level >= LogLevel.Information)
                .Select(e => $"{e.Level} {e.Category}: {e.Message} {e.Exception}"));
            throw new InvalidOperationException($"Node {name} did not start: {ex.Message}\nIt logged:\n{logged}", ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await B.DisposeAsync();
        await A.DisposeAsync();
    }
}
