using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TasksConsole.Core.Data;
using TasksConsole.Core.Execution;
using TasksConsole.Core.Execution.Lambda;
using TasksConsole.Core.Functions;
using TasksConsole.Core.Tasks;
using TasksConsole.Tests.Infrastructure;

namespace TasksConsole.Tests.Execution;

/// <summary>
/// The engine over a real SQLite file with Lambda scripted: the dispatcher and outcome writer run as they do in
/// the app, and claimed batches run straight on the thread pool instead of through Hangfire.
/// </summary>
public sealed class EngineHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<IHostedService> _started = [];

    private readonly bool _ownsDatabase;

    private EngineHarness(ServiceProvider services, TestDatabase database, ScriptedLambda lambda, bool ownsDatabase)
    {
        _services = services;
        _ownsDatabase = ownsDatabase;
        Database = database;
        Lambda = lambda;
    }

    public TestDatabase Database { get; }
    public ScriptedLambda Lambda { get; }
    public IServiceProvider Services => _services;
    public TaskService Tasks => _services.GetRequiredService<TaskService>();
    public FunctionService Functions => _services.GetRequiredService<FunctionService>();
    public ExecutionOptions Options => _services.GetRequiredService<IOptions<ExecutionOptions>>().Value;

    /// <summary>Every job the dispatcher has handed to the batch queue, in order: its task ids.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Jobs => _services.GetRequiredService<ThreadPoolBatchQueue>().Jobs.ToList();

    /// <summary>Builds an engine over a new store of <paramref name="provider"/>; <paramref name="database"/> lets a second engine take over the first one's store (a restart).</summary>
    public static async Task<EngineHarness> CreateAsync(
        Action<ExecutionOptions>? configure = null, TestDatabase? database = null, ScriptedLambda? lambda = null, bool startDispatcher = true,
        TimeProvider? clock = null, StorageProvider provider = StorageProvider.Sqlite)
    {
        var ownsDatabase = database is null;
        database ??= await TestDatabase.CreateAsync(provider);
        lambda ??= new ScriptedLambda();
        var builder = CoreBuilder.Create();
        builder.AddTasksCore().AddFunctionsCore().AddExecutionCore();
        builder.Services.Configure<ExecutionOptions>(options =>
        {
            options.NodeId = "test-node";
            options.LookAhead = TimeSpan.FromMilliseconds(100);
            options.FallbackPoll = TimeSpan.FromMilliseconds(200);
            configure?.Invoke(options);
        });
        builder.Services.Configure<LambdaOptions>(options => options.TimeoutMargin = TimeSpan.FromSeconds(1));
        builder.Services
            .AddSingleton(database.Factory)
            .AddSingleton<ILambdaInvoker>(lambda)
            .AddSingleton<ThreadPoolBatchQueue>()
            .AddSingleton<ITaskBatchQueue>(provider => provider.GetRequiredService<ThreadPoolBatchQueue>());
        if (clock is not null) builder.Services.AddSingleton(clock);
        var services = builder.Services.BuildServiceProvider();
        var harness = new EngineHarness(services, database, lambda, ownsDatabase);
        await harness.StartAsync(services.GetRequiredService<OutcomeWriter>());
        if (startDispatcher) await harness.StartAsync(services.GetRequiredService<TaskDispatcher>());
        return harness;
    }

    public Task<FunctionRecord> AddFunctionAsync(string name, bool retry = false, int? concurrencyLimit = null,
        IReadOnlyList<int>? retryDelays = null, IReadOnlyList<string>? errorsToRetry = null, int timeLimitSeconds = 30) =>
        Functions.CreateAsync(new FunctionDefinition
        {
            Name = name,
            RetryEnabled = retry,
            ConcurrencyLimit = concurrencyLimit,
            RetryDelaysSeconds = retryDelays ?? [0, 0, 0],
            ErrorsToRetry = errorsToRetry ?? [],
            TimeLimitSeconds = timeLimitSeconds,
        });

    public Task<TaskRecord> ScheduleAsync(string functionName, long priority = 0, DateTimeOffset? start = null, string[]? tags = null) =>
        Tasks.CreateAsync(new NewTask(functionName, Priority: priority, StartTimestamp: start, Tags: tags), Caller.System);

    public async Task<TaskRecord> GetAsync(string id)
    {
        await using var db = await Database.Factory.CreateDbContextAsync();
        return await db.Tasks.AsNoTracking().SingleAsync(t => t.Id == id);
    }

    public async Task<List<TaskRecord>> AllAsync()
    {
        await using var db = await Database.Factory.CreateDbContextAsync();
        return await db.Tasks.AsNoTracking().OrderBy(t => t.CreationTimestamp).ThenBy(t => t.Id).ToListAsync();
    }

    /// <summary>Waits until <paramref name="done"/> holds for the whole store, failing with its last state after the timeout.</summary>
    public async Task<List<TaskRecord>> WaitUntilAsync(Func<List<TaskRecord>, bool> done, TimeSpan? timeout = null, string? what = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var tasks = await AllAsync();
            if (done(tasks)) return tasks;
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting for {what ?? "the tasks"}; they are: " +
                            string.Join(", ", tasks.Select(t => $"{t.Id[^6..]} {t.FunctionName} {t.Status.ToWire()}")));
            }
            await Task.Delay(50);
        }
    }

    public Task StartDispatcherAsync() => StartAsync(_services.GetRequiredService<TaskDispatcher>());

    private async Task StartAsync(IHostedService service)
    {
        await service.StartAsync(_stop.Token);
        _started.Add(service);
    }

    /// <summary>Stops the hosted parts, as a node shutting down would.</summary>
    public async Task StopAsync()
    {
        _stop.Cancel();
        foreach (var service in Enumerable.Reverse(_started)) await service.StopAsync(CancellationToken.None);
        _started.Clear();
    }

    /// <summary>
    /// Ends this node as a kill would leave it: jobs queued from now on are lost, the dispatcher and outcome writer
    /// stop, and once the jobs already running have given up (their outcomes can no longer be recorded), nothing of
    /// this node touches the store again.
    /// </summary>
    public async Task KillAsync()
    {
        var queue = _services.GetRequiredService<ThreadPoolBatchQueue>();
        queue.Kill();
        await StopAsync();
        await queue.RunningAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _services.DisposeAsync();
        if (_ownsDatabase) await Database.DisposeAsync();
    }

    private sealed class ThreadPoolBatchQueue(TaskRunner runner) : ITaskBatchQueue
    {
        private readonly ConcurrentQueue<Task> _running = new();
        private volatile bool _killed;

        public ConcurrentQueue<IReadOnlyList<string>> Jobs { get; } = new();

        public void Enqueue(string claimToken, IReadOnlyList<string> taskIds)
        {
            if (_killed) return;
            Jobs.Enqueue(taskIds);
            _running.Enqueue(Task.Run(() => runner.RunBatchAsync(claimToken, taskIds, CancellationToken.None)));
        }

        public void Kill() => _killed = true;

        public Task RunningAsync() => Task.WhenAll(_running);
    }
}
