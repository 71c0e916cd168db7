using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using TasksConsole.Core.Common;
using TasksConsole.Core.Data;
using TasksConsole.Core.Execution;
using TasksConsole.Core.Functions;
using TasksConsole.Core.Tasks;
using TasksConsole.Tests.E2E;
using TasksConsole.Tests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace TasksConsole.Tests.ScaleOut;

/// <summary>
/// A real node process on a SQLite store or a PostgreSQL database, killed with SIGKILL in the middle of work that writes
/// many rows, then started again on the same store with the same node id, as an operator restarts a crashed service.
/// What the store holds afterwards must be whole: every task terminal or still correctly <c>new</c>, none lost, none
/// invoked twice.
/// </summary>
public sealed class CrashConsistencyTests(ITestOutputHelper output)
{
    private const string NodeId = "crash-node";
    private const string AdminEmail = "admin@crash.test";
    private const string AdminPassword = "Crash-Admin-Pa55!";

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.PostgreSql)]
    public async Task Kill_9_during_a_bulk_cancel_leaves_every_task_canceled_or_still_new_and_a_second_bulk_cancel_finishes_the_rest(StorageProvider provider)
    {
        const int TaskCount = 20_000;
        await using var installation = await Installation.CreateAsync(provider);
        var start = DateTimeOffset.UtcNow.AddDays(30);
        var ids = await installation.InsertTasksAsync(Enumerable.Range(0, TaskCount)
            .Select(i => new NewTask("far-future", $$"""{"n":{{i}}}""", Priority: 0, StartTimestamp: start)));
        await installation.StartNodeAsync();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BrowserFixture.LaunchChromiumAsync(playwright);
        var page = await OpenTasksPageAsync(browser, installation.Node);
        var dialog = await ConfirmCancelAllMatchingAsync(page, expectedCount: TaskCount);

        // Killed as soon as the first chunk is in the store: the rest of the walk is still to come.
        var watch = Stopwatch.StartNew();
        while (await installation.CountAsync(TaskState.Canceled) == 0)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), "The bulk cancel did not start within 60 s.");
            await Task.Delay(5);
        }
        await installation.KillNodeAsync();

        var atKill = await installation.ReadTasksAsync();
        Assert.Equal(TaskCount, atKill.Count);
        Assert.Equal(ids.Order(StringComparer.Ordinal), atKill.Select(t => t.Id).Order(StringComparer.Ordinal));
        Assert.All(atKill, t => Assert.Contains(t.Status, new[] { TaskState.New, TaskState.Canceled }));
        var canceled = atKill.Where(t => t.Status == TaskState.Canceled).ToList();
        Assert.True(canceled.Count < TaskCount, "The bulk cancel finished before the kill: the test needs more tasks to kill it half-way.");
        // Whole chunks only, in id order: a chunk is one UPDATE, committed or not.
        Assert.Equal(0, canceled.Count % TaskService.CancelChunkSize);
        Assert.Equal(
            ids.Order(StringComparer.Ordinal).Take(canceled.Count),
            canceled.Select(t => t.Id).Order(StringComparer.Ordinal));
        Assert.All(canceled, t =>
        {
            Assert.Equal(t.StatusChangedTimestamp, t.UpdateTimestamp);
            Assert.True(t.StatusChangedTimestamp >= t.CreationTimestamp, $"task {t.Id} was canceled before it was created");
        });
        Assert.All(atKill, t =>
        {
            Assert.Null(t.ClaimedBy);
            Assert.Null(t.ExecutionStartTimestamp);
            Assert.Null(t.ErrorType);
        });
        if (provider == StorageProvider.Sqlite) Assert.Equal("ok", await installation.IntegrityCheckAsync());
        output.WriteLine($"Killed with {canceled.Count:N0} of {TaskCount:N0} canceled.");

        // Started again on the same files: the second bulk cancel counts exactly the rest, and cancels it.
        await installation.StartNodeAsync();
        page = await OpenTasksPageAsync(browser, installation.Node);
        dialog = await ConfirmCancelAllMatchingAsync(page, expectedCount: TaskCount - canceled.Count);
        await Expect(dialog.GetByRole(AriaRole.Button, new() { Name = "Close" })).ToBeVisibleAsync(new() { Timeout = 60_000 });

        var after = await installation.ReadTasksAsync();
        Assert.Equal(TaskCount, after.Count);
        Assert.All(after, t => Assert.Equal(TaskState.Canceled, t.Status));
        // The first run's cancels were kept as they were, not written again.
        var firstRun = canceled.ToDictionary(t => t.Id, t => t.StatusChangedTimestamp);
        Assert.All(after.Where(t => firstRun.ContainsKey(t.Id)), t => Assert.Equal(firstRun[t.Id], t.StatusChangedTimestamp));
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.PostgreSql)]
    public async Task Kill_9_while_failures_are_retried_leaves_whole_retry_chains_that_end_in_a_terminal_task_and_invokes_no_task_twice(StorageProvider provider)
    {
        const int TaskCount = 300;
        const string Function = "always-fails";
        await using var installation = await Installation.CreateAsync(provider);
        await installation.Store.GetRequiredService<FunctionService>().CreateAsync(new FunctionDefinition
        {
            Name = Function,
            LambdaFunctionName = Function,
            TimeLimitSeconds = 30,
            RetryEnabled = true,
            RetryDelaysSeconds = [1, 1],
        });
        var now = DateTimeOffset.UtcNow;
        // Calls of different lengths, so that invocations are always in flight rather than starting and ending together.
        var originals = await installation.InsertTasksAsync(Enumerable.Range(0, TaskCount)
            .Select(i => new NewTask(Function, $$"""{"fail":true,"sleepMs":{{50 + i % 7 * 60}}}""", Priority: 0, StartTimestamp: now)));
        await installation.StartNodeAsync(new Dictionary<string, string?> { ["Execution:MaxConcurrency"] = "32" });

        // Killed once retries are being committed and other invocations are in flight.
        var watch = Stopwatch.StartNew();
        while (await installation.CountAsync(TaskState.Retried) < 30 || await installation.CountAsync(TaskState.InProgress) == 0)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60),
                $"No retries with invocations in flight within 60 s. The node's last output:{Environment.NewLine}{installation.Node.RecentOutput()}");
            await Task.Delay(10);
        }
        await installation.KillNodeAsync();
        var atKill = await installation.ReadTasksAsync();
        var inFlight = atKill.Where(t => t.Status == TaskState.InProgress).Select(t => t.Id).ToHashSet(StringComparer.Ordinal);
        Assert.NotEmpty(inFlight);
        Assert.Contains(atKill, t => t.Status == TaskState.New);
        output.WriteLine($"Killed with {atKill.Count(t => t.Status == TaskState.Retried)} retried, {inFlight.Count} in progress, " +
                         $"{atKill.Count(t => t.Status == TaskState.New)} new, {atKill.Count(t => t.Status == TaskState.Failed)} failed.");

        // The same node id again: at start it fails what it had in progress as zombies and releases its unstarted claims.
        await installation.StartNodeAsync();
        List<TaskRecord> tasks = [];
        await Poll.UntilAsync(async () =>
        {
            tasks = await installation.ReadTasksAsync();
            return tasks.All(t => t.Status.IsTerminal());
        }, TimeSpan.FromSeconds(60), "every task and retry to finish after the restart");

        var byId = tasks.ToDictionary(t => t.Id, StringComparer.Ordinal);
        Assert.All(originals, id => Assert.True(byId.ContainsKey(id), $"task {id} was lost"));
        // Always failing, never canceled: every task is failed or retried.
        Assert.All(tasks, t => Assert.Contains(t.Status, new[] { TaskState.Failed, TaskState.Retried }));

        foreach (var task in tasks.Where(t => t.Status == TaskState.Retried))
        {
            Assert.NotNull(task.RetriedByTaskId);
            Assert.True(byId.TryGetValue(task.RetriedByTaskId, out var retry), $"task {task.Id} names a retry {task.RetriedByTaskId} that is not stored");
            Assert.Equal([.. task.RetryForTaskIds, task.Id], retry.RetryForTaskIds);
            Assert.Equal(CountingLambda.FailureType, task.ErrorName);
        }
        // Every retry was made by the task it names, and no task has two.
        var retries = tasks.Where(t => t.RetryForTaskIds.Count > 0).ToList();
        Assert.All(retries, r => Assert.Equal(r.Id, byId[r.RetryForTaskIds[^1]].RetriedByTaskId));
        Assert.Equal(retries.Count, retries.Select(r => r.RetryForTaskIds[^1]).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(TaskCount, tasks.Count - retries.Count);

        // Each chain ends in a failed task: a zombie (never retried: it may have run), or the last allowed retry.
        var ends = tasks.Where(t => t.Status == TaskState.Failed).ToList();
        Assert.Equal(TaskCount, ends.Count);
        Assert.All(ends, end => Assert.True(
            end.ErrorName == TaskOutcome.ZombieErrorName || (end.ErrorName == CountingLambda.FailureType && end.RetryForTaskIds.Count == 2),
            $"task {end.Id} failed with {end.ErrorName} after {end.RetryForTaskIds.Count} retries: a retry was lost"));
        var zombies = ends.Where(t => t.ErrorName == TaskOutcome.ZombieErrorName).Select(t => t.Id).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(inFlight.Order(StringComparer.Ordinal), zombies.Order(StringComparer.Ordinal));

        // Invoked once each, except that a zombie may have been cut off before its call left: at most once, never re-run.
        output.WriteLine($"After the restart: {tasks.Count} tasks ({retries.Count} retries), {zombies.Count} zombies, " +
                         $"{installation.Lambda.Invocations.Values.Sum()} invocations.");
        var invocations = installation.Lambda.Invocations;
        Assert.All(invocations.Keys, id => Assert.True(byId.ContainsKey(id), $"task {id} was invoked but is not stored"));
        Assert.All(tasks, t =>
        {
            var count = installation.Lambda.InvocationsOf(t.Id);
            if (zombies.Contains(t.Id)) Assert.True(count <= 1, $"zombie {t.Id} was invoked {count} times");
            else Assert.True(count == 1, $"task {t.Id} ({t.Status.ToWire()}) was invoked {count} times");
        });
    }

    private static async Task<IPage> OpenTasksPageAsync(IBrowser browser, AppNodeProcess node)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = node.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
            Locale = "en-US",
            TimezoneId = "UTC",
        });
        context.SetDefaultTimeout(BrowserFixture.TimeoutMs * 2);
        var page = await context.NewPageAsync();
        await page.GotoAsync("login?returnUrl=" + Uri.EscapeDataString("/tasks"));
        await BrowserFixture.SubmitLoginFormAsync(page, AdminEmail, AdminPassword);
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/tasks");
        await BrowserFixture.WaitInteractiveAsync(page);
        return page;
    }

    /// <summary>Opens the tasks page's "cancel all matching" dialog, checks the count it states and confirms.</summary>
    private static async Task<ILocator> ConfirmCancelAllMatchingAsync(IPage page, int expectedCount)
    {
        await page.GetByTestId("cancel-matching").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog.GetByTestId("cancel-count")).ToHaveTextAsync(expectedCount.ToString("N0", System.Globalization.CultureInfo.GetCultureInfo("en-US")),
            new() { Timeout = 30_000 });
        await dialog.GetByRole(AriaRole.Button, new() { NameRegex = new Regex(@"^Cancel \d") }).ClickAsync();
        return dialog;
    }

    /// <summary>
    /// An installation (its data directory, and its PostgreSQL database when it has one), a counting Lambda endpoint,
    /// and the node that runs on them.
    /// </summary>
    private sealed class Installation : IAsyncDisposable
    {
        private readonly Dictionary<string, string?> _nodeSettings;
        private readonly PostgresDatabase? _database;
        private bool _nodeRunning;

        private Installation(string dataDirectory, PostgresDatabase? database, ServiceProvider store, CountingLambda lambda)
        {
            DataDirectory = dataDirectory;
            _database = database;
            Store = store;
            Lambda = lambda;
            _nodeSettings = lambda.NodeSettings();
            _nodeSettings["Storage:DataDirectory"] = dataDirectory;
            if (database is not null)
            {
                foreach (var (key, value) in CoreBuilder.StoreSettings(database.ConnectionString)) _nodeSettings[key] = value;
            }
            _nodeSettings["Auth:BootstrapAdmin:Email"] = AdminEmail;
            _nodeSettings["Auth:BootstrapAdmin:Password"] = AdminPassword;
        }

        public string DataDirectory { get; }

        /// <summary>Core services over the installation's store, as an operator's SQL would reach it.</summary>
        public ServiceProvider Store { get; }

        public CountingLambda Lambda { get; }

        public AppNodeProcess Node { get; private set; } = null!;

        private string DatabasePath => Path.Combine(DataDirectory, new StorageOptions().DatabaseFileName);

        public static async Task<Installation> CreateAsync(StorageProvider provider)
        {
            var directory = Path.Combine(Path.GetTempPath(), "tasksconsole-crash", Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(directory);
            var database = provider == StorageProvider.PostgreSql ? await PostgresTestStore.CreateAsync("crash") : null;
            var builder = database is null
                ? CoreBuilder.WithStoreAt(directory, new StorageOptions().DatabaseFileName)
                : CoreBuilder.WithPostgreSql(database.ConnectionString);
            builder.AddStorageCore().AddTasksCore().AddFunctionsCore();
            var store = builder.Services.BuildServiceProvider();
            await store.MigrateTasksStoreAsync();
            return new Installation(directory, database, store, await CountingLambda.StartAsync());
        }

        /// <summary>Starts the node (always with the same id) and waits until it is ready.</summary>
        public async Task StartNodeAsync(IReadOnlyDictionary<string, string?>? settings = null)
        {
            var all = new Dictionary<string, string?>(_nodeSettings);
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) all[key] = value;
            Node = await AppNodeProcess.StartAsync(NodeId, all);
            _nodeRunning = true;
        }

        /// <summary>SIGKILL, then waits for the process to be gone.</summary>
        public async Task KillNodeAsync()
        {
            Node.Kill();
            await Poll.UntilAsync(() => Node.HasExited, TimeSpan.FromSeconds(10), "the node to die");
            _nodeRunning = false;
            await Node.DisposeAsync();
        }

        public async Task<List<string>> InsertTasksAsync(IEnumerable<NewTask> tasks)
        {
            var now = DateTimeOffset.UtcNow;
            var records = tasks.Select(task => TaskRecord.New(ObjectId.NewId(), task, Caller.System, now)).ToList();
            await using var db = await Store.GetRequiredService<IDbContextFactory<TasksDbContext>>().CreateDbContextAsync();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            db.Tasks.AddRange(records);
            await db.SaveChangesAsync();
            return records.Select(t => t.Id).ToList();
        }

        public async Task<List<TaskRecord>> ReadTasksAsync()
        {
            await using var db = await Store.GetRequiredService<IDbContextFactory<TasksDbContext>>().CreateDbContextAsync();
            return await db.Tasks.AsNoTracking().ToListAsync();
        }

        /// <summary>
        /// How many tasks have <paramref name="status"/>, cheap enough to poll tightly: on SQLite read straight from the
        /// file, outside the store's connection pool.
        /// </summary>
        public async Task<long> CountAsync(TaskState status)
        {
            if (_database is not null)
            {
                await using var db = await Store.GetRequiredService<IDbContextFactory<TasksDbContext>>().CreateDbContextAsync();
                return await db.Tasks.LongCountAsync(t => t.Status == status);
            }
            await using var connection = new SqliteConnection($"Data Source={DatabasePath}");
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = """SELECT count(*) FROM "Tasks" WHERE "Status" = $status""";
            command.Parameters.AddWithValue("$status", status.ToString());
            return (long)(await command.ExecuteScalarAsync())!;
        }

        public async Task<string> IntegrityCheckAsync()
        {
            await using var connection = new SqliteConnection($"Data Source={DatabasePath}");
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA integrity_check";
            return (string)(await command.ExecuteScalarAsync())!;
        }

        public async ValueTask DisposeAsync()
        {
            if (_nodeRunning) await Node.DisposeAsync();
            await Lambda.DisposeAsync();
            await Store.DisposeAsync();
            SqliteConnection.ClearAllPools();
            if (_database is not null) await _database.DisposeAsync();
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: the temp folder is cleaned eventually.
            }
        }
    }
}
