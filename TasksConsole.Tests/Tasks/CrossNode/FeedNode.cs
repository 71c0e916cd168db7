using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TasksConsole.Core.Data;
using TasksConsole.Core.Tasks;
using TasksConsole.Core.Tasks.CrossNode;
using TasksConsole.Tests.Infrastructure;

namespace TasksConsole.Tests.Tasks.CrossNode;

/// <summary>
/// One node's change feed on a shared PostgreSQL database, registered as the app registers it (the in-process
/// feed of <c>AddTasksCore</c>, then the cross-node feed over it), with a subscriber that records what this node's
/// circuits and hub clients would be shown.
/// </summary>
internal sealed class FeedNode : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly IHost _host;
    private readonly IDisposable _subscription;

    private FeedNode(IHost host)
    {
        _host = host;
        _subscription = Feed.Subscribe(Shown.Enqueue);
    }

    public ITaskChangeFeed Feed => _host.Services.GetRequiredService<ITaskChangeFeed>();
    public ChangeListener Listener => _host.Services.GetRequiredService<ChangeListener>();
    public ChangeNotifier Notifier => _host.Services.GetRequiredService<ChangeNotifier>();
    public IDbContextFactory<TasksDbContext> Store => _host.Services.GetRequiredService<IDbContextFactory<TasksDbContext>>();

    /// <summary>Every change this node's subscribers received, local and remote, in order.</summary>
    public ConcurrentQueue<TaskChange> Shown { get; } = new();

    public static async Task<FeedNode> StartAsync(string connectionString, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = CoreBuilder.Create([.. CoreBuilder.StoreSettings(connectionString), .. settings ?? new Dictionary<string, string?>()]);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddStorageCore();
        builder.Services.AddSingleton<ITaskChangeFeed, TaskChangeFeed>();
        builder.AddCrossNodeChangeFeedCore(connectionString);
        var host = builder.Build();
        await host.StartAsync();
        var node = new FeedNode(host);
        await node.WaitUntilAsync(() => node.Listener.Connections >= 1, "the listener to connect");
        return node;
    }

    public List<TaskChange> ShownFor(string taskId) => Shown.Where(c => c.TaskId == taskId).ToList();

    /// <summary>Polls <paramref name="condition"/> until it holds; fails the test, saying what was awaited, if it never does.</summary>
    public async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (!condition())
        {
            if (timeout.IsCancellationRequested) Assert.Fail($"Timed out waiting for {what}.");
            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _subscription.Dispose();
        await _host.StopAsync();
        _host.Dispose();
    }
}
