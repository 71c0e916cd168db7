using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TasksConsole.Core.Tasks;
using TasksConsole.Tests.Infrastructure;
using TasksConsole.Web.Tasks;

namespace TasksConsole.Tests.Tasks;

/// <summary>
/// The tasks page's logic without rendering: the real task services over a test database, the changes they
/// publish captured from the feed and handed to the view model as a circuit would.
/// </summary>
public sealed class TaskListViewModelTests : IAsyncLifetime
{
    private TestDatabase _database = null!;
    private ServiceProvider _services = null!;
    private readonly List<TaskChange> _published = [];
    private IDisposable? _subscription;

    private TaskService Tasks => _services.GetRequiredService<TaskService>();

    private TaskQueries Queries => _services.GetRequiredService<TaskQueries>();

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _services = new ServiceCollection().AddTaskConsole(_database).BuildServiceProvider();
        _subscription = _services.GetRequiredService<ITaskChangeFeed>().Subscribe(change =>
        {
            lock (_published) _published.Add(change);
        });
    }

    public async Task DisposeAsync()
    {
        _subscription?.Dispose();
        await _services.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task AStatusChange_ChangesTheRowOnScreenInPlace_AndAsksForARenderOnly()
    {
        var task = await CreateAsync("echo");
        var list = NewList();
        await LoadFirstPageAsync(list);
        TakePublished();

        await Tasks.TryCancelAsync(task.Id);
        var update = await list.ApplyChangesAsync(TakePublished());

        Assert.Equal(new TaskListUpdate(Render: true, ReloadNewest: false), update);
        Assert.Equal(TaskState.Canceled, Assert.Single(list.Rows).Status);
    }

    [Fact]
    public async Task AChangeOfATaskThatIsNotOnScreen_AndDoesNotMatch_AsksForNothing()
    {
        var list = NewList();
        list.SetFilter(new TaskFilter { FunctionName = "echo" });
        await LoadFirstPageAsync(list);

        var other = await CreateAsync("other");
        await Tasks.TryCancelAsync(other.Id);
        var update = await list.ApplyChangesAsync(TakePublished());

        Assert.Equal(new TaskListUpdate(Render: false, ReloadNewest: false), update);
        Assert.Equal(0, list.NewCount);
    }

    [Fact]
    public async Task ANewMatchingTask_AsksForASoftReload_WhenTheNewestTasksAreOnScreen()
    {
        var list = NewList();
        await LoadFirstPageAsync(list);

        await CreateAsync("echo");
        var update = await list.ApplyChangesAsync(TakePublished());

        Assert.True(update.ReloadNewest);
        Assert.Equal(0, list.NewCount);
    }

    [Fact]
    public async Task NewMatchingTasks_AreCountedForTheBanner_WhenTheListIsSortedOtherwise()
    {
        var list = NewList();
        list.SetFilter(new TaskFilter { FunctionName = "echo" });
        await list.LoadAsync(0, 20, TaskListViewModel.SortFor(nameof(TaskRecord.Priority), descending: false), CancellationToken.None);

        await CreateAsync("echo");
        await CreateAsync("echo");
        await CreateAsync("other");
        var update = await list.ApplyChangesAsync(TakePublished());

        Assert.Equal(new TaskListUpdate(Render: true, ReloadNewest: false), update);
        Assert.Equal(2, list.NewCount);
    }

    [Fact]
    public async Task WithAStartRange_OnlyTheNewTasksStartingInsideItAreCounted()
    {
        var list = NewList();
        var from = DateTimeOffset.UtcNow.AddHours(1);
        list.SetFilter(new TaskFilter { StartFrom = from });
        await list.LoadAsync(1, 20, TaskListQuery.DefaultSort, CancellationToken.None);

        await CreateAsync("echo");
        await CreateAsync("echo", start: from.AddHours(1));
        await list.ApplyChangesAsync(TakePublished());

        Assert.Equal(1, list.NewCount);
    }

    [Fact]
    public async Task ANewFilter_DropsTheSelectionAndTheBannerCount()
    {
        var task = await CreateAsync("echo");
        var list = NewList();
        await list.LoadAsync(1, 20, TaskListQuery.DefaultSort, CancellationToken.None);
        list.Selected.Add(task);
        TakePublished();
        await CreateAsync("echo");
        await list.ApplyChangesAsync(TakePublished());
        Assert.Equal(1, list.NewCount);

        list.SetFilter(new TaskFilter { FunctionName = "echo" });

        Assert.Empty(list.Selected);
        Assert.Equal(0, list.NewCount);
        Assert.Equal("GET /tasks/v1/?eq(functionName,echo)&sort(-creationTimestamp)", list.RestCall);
    }

    [Fact]
    public Task SoftReloads_NeverOverlap_AndARequestDuringOneBringsOneMore_AfterASecond() => Task.Run(async () =>
    {
        // Off the test's synchronization context, so that completing a reload runs the loop on to its next wait.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var list = new TaskListViewModel(Queries, clock);
        var reloads = 0;
        var firstReload = new TaskCompletionSource();
        Task Reload() => ++reloads == 1 ? firstReload.Task : Task.CompletedTask;

        var running = list.ReloadNewestAsync(Reload, CancellationToken.None);
        var duringIt = list.ReloadNewestAsync(Reload, CancellationToken.None);

        Assert.True(duringIt.IsCompleted);
        Assert.Equal(1, reloads);
        firstReload.SetResult();
        Assert.False(running.IsCompleted);
        Assert.Equal(1, reloads);
        clock.Advance(TimeSpan.FromSeconds(1));
        await running;
        Assert.Equal(2, reloads);
    });

    [Fact]
    public async Task ASoftReload_IsSkipped_WhenTheUserHasPagedAway()
    {
        var list = NewList();
        await list.LoadAsync(1, 20, TaskListQuery.DefaultSort, CancellationToken.None);
        var reloads = 0;

        await list.ReloadNewestAsync(() => Task.FromResult(++reloads), CancellationToken.None);

        Assert.Equal(0, reloads);
    }

    private TaskListViewModel NewList() => new(Queries, TimeProvider.System);

    private static Task LoadFirstPageAsync(TaskListViewModel list) =>
        list.LoadAsync(0, 20, TaskListQuery.DefaultSort, CancellationToken.None);

    private Task<TaskRecord> CreateAsync(string function, DateTimeOffset? start = null) =>
        Tasks.CreateAsync(new NewTask(function, StartTimestamp: start), Caller.System);

    private List<TaskChange> TakePublished()
    {
        lock (_published)
        {
            var batch = _published.ToList();
            _published.Clear();
            return batch;
        }
    }
}
