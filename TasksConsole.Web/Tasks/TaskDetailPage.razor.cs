using TasksConsole.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Common;
using TasksConsole.Core.Functions;
using TasksConsole.Core.Tasks;
using TasksConsole.Core.Tasks.Reruns;
using TasksConsole.Web.Auth;
using TasksConsole.Web.Functions;
using TasksConsole.Web.Live;
using TasksConsole.Web.Tasks.Reruns;
using TasksConsole.Core.Audit;

namespace TasksConsole.Web.Tasks;

/// <summary>
/// One task in full, with its retry chain and logs. It stays live: a change to any attempt of the chain, or a new
/// attempt appearing at its end, reloads the page's data.
/// </summary>
public sealed partial class TaskDetailPage(
    TaskService tasks, RetryChainQueries chains, CircuitTaskChanges changes, IDialogService dialogs,
    ISnackbar snackbar, TimeProvider clock, UserService users, IFunctionCatalog functions, TaskReruns reruns, AuditTrail audit) : IDisposable
{
    /// <summary>How many re-runs of a task the page links to; the rest are found with <c>eq(rerunOfTaskId,…)</c>.</summary>
    public const int RerunLinks = 10;

    /// <summary>Lambda log tails are at most 4 KB, so this only cuts logs written by something else.</summary>
    public const int LogLimit = LogQuery.DefaultLimit;

    private readonly CancellationTokenSource _disposed = new();
    private TaskRecord? _task;
    private IReadOnlyList<RetryAttempt> _chain = [];
    private IReadOnlyList<string> _reruns = [];
    private AuditRecord? _canceledBy;
    private IReadOnlyList<TaskLogLine> _logs = [];
    /// <summary>The user who created the task, shown by email; null when unknown (deleted, or an application).</summary>
    private UserInfo? _creator;
    private bool _loaded;
    private string? _loadError;
    private bool _canceling;
    private bool _canViewLogs;
    /// <summary>False when the task names a function the registry does not know: it runs as the Lambda of that name.</summary>
    private bool _functionRegistered = true;
    private bool _canRegisterFunction;
    private int _loadVersion;
    private IDisposable? _subscription;

    // Read by the change handler on a timer thread; replaced whole, never mutated.
    private volatile Watch _watch = Watch.None;

    [Parameter]
    public string Id { get; set; } = "";

    [CascadingParameter]
    private Task<AuthenticationState>? AuthenticationState { get; set; }

    private bool IsWellFormed => ObjectId.IsValid(Id);

    protected override async Task OnInitializedAsync()
    {
        _subscription = changes.Subscribe(OnChangesAsync);
        _canViewLogs = await HasPermissionAsync(Permissions.ViewTaskLogs);
        _canRegisterFunction = await HasPermissionAsync(Permissions.CreateTaskFunction);
    }

    protected override async Task OnParametersSetAsync()
    {
        // Links between attempts reuse this component with another id: start from a clean slate.
        if (_task is not null && _task.Id == Id) return;
        _task = null;
        _chain = [];
        _logs = [];
        _loaded = false;
        _watch = Watch.None;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        var version = ++_loadVersion;
        var id = Id;
        try
        {
            var task = await tasks.FindByIdAsync(id, _disposed.Token);
            IReadOnlyList<RetryAttempt> chain = [];
            IReadOnlyList<TaskLogLine> logs = [];
            IReadOnlyList<string> rerunIds = [];
            AuditRecord? canceledBy = null;
            var functionRegistered = true;
            if (task is not null)
            {
                functionRegistered = await functions.FindAsync(task.FunctionName, _disposed.Token) is not null;
                chain = await chains.LoadAsync(task, _disposed.Token);
                rerunIds = await reruns.FindRerunsOfAsync(task.Id, RerunLinks + 1, _disposed.Token);
                if (_canViewLogs) logs = await tasks.GetLogsAsync(task.Id, since: null, LogLimit, _disposed.Token);
                // A task canceled with others by a filter has no entry of its own: the filter's entry names no task.
                if (task.Status == TaskState.Canceled) canceledBy = await audit.LatestAsync(AuditActions.TaskCancel, task.Id, _disposed.Token);
            }
            var creator = task?.CreatedByUserId is { } userId && userId != _creator?.Id
                ? await users.FindAsync(userId, _disposed.Token)
                : _creator;
            // A newer load started while this one waited: its answer wins.
            if (version != _loadVersion) return;
            _task = task;
            _chain = chain;
            _reruns = rerunIds;
            _canceledBy = canceledBy;
            _logs = logs;
            _functionRegistered = functionRegistered;
            _creator = creator;
            _loaded = true;
            _loadError = null;
            _watch = task is null ? Watch.None : new Watch(chain.Select(a => a.Id).ToHashSet(StringComparer.Ordinal), chain[^1].RetriedByTaskId);
        }
        catch (OperationCanceledException) when (_disposed.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (version == _loadVersion)
        {
            _loadError = $"The task could not be loaded: {ex.Message}";
        }
    }

    private Task OnChangesAsync(IReadOnlyList<TaskChange> changes)
    {
        var watch = _watch;
        if (watch.TaskIds.Count == 0) return Task.CompletedTask;
        var relevant = changes.Any(change =>
            watch.TaskIds.Contains(change.TaskId)
            || (change.Kind == TaskChangeKind.Created && change.TaskId == watch.AwaitedRetryId));
        if (!relevant) return Task.CompletedTask;
        return InvokeAsync(async () =>
        {
            await LoadAsync();
            StateHasChanged();
        });
    }

    /// <summary>The register dialog, pre-filled with the task's function as both name and Lambda function name.</summary>
    private async Task RegisterFunctionAsync()
    {
        if (_task is not { } task || !_canRegisterFunction) return;
        var dialog = await dialogs.ShowAsync<RegisterFunctionDialog>("Register function",
            new DialogParameters<RegisterFunctionDialog> { { d => d.InitialName, task.FunctionName } },
            new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true, CloseOnEscapeKey = true });
        if (await dialog.Result is { Canceled: false, Data: string name })
        {
            snackbar.Add($"{name} is registered; its settings apply to tasks that have not started yet.", Severity.Success);
            _functionRegistered = await functions.FindAsync(task.FunctionName, _disposed.Token) is not null;
        }
    }

    /// <summary>The schedule dialog, pre-filled from this task, over this page: the user stays where they were.</summary>
    private async Task CloneAsync()
    {
        if (_task is { } task) await ScheduleTaskDialog.ShowAsync(dialogs, task);
    }

    /// <summary>The filter dialog, for this one task: it states a zombie's risk and offers the same options.</summary>
    private async Task RerunAsync()
    {
        if (_task is not { } task) return;
        if (await RerunMatchingDialog.ShowAsync(dialogs, new TaskFilter { Id = task.Id }) is > 0) await LoadAsync();
    }

    private async Task CancelAsync()
    {
        if (_task is not { } task || !await HasPermissionAsync(Permissions.CancelTasks)) return;
        if (!await TaskCancelActions.ConfirmCancelAsync(dialogs, task)) return;

        _canceling = true;
        try
        {
            if (await tasks.TryCancelAsync(task.Id, _disposed.Token))
            {
                snackbar.Add("Task canceled.", Severity.Success);
            }
            else
            {
                snackbar.Add("The task was not canceled: it has already started or finished.", Severity.Warning);
            }
            await LoadAsync();
        }
        finally
        {
            _canceling = false;
        }
    }

    private async Task<bool> HasPermissionAsync(string permission) =>
        AuthenticationState is not null && (await AuthenticationState).User.HasPermission(permission);

    private string DurationText(TaskRecord task) => (task.ExecutionStartTimestamp, task.ExecutionEndTimestamp) switch
    {
        ({ } start, { } end) => TimeText.Duration(end - start),
        ({ } start, null) when task.Status == TaskState.InProgress => $"running for {TimeText.Duration(clock.GetUtcNow() - start)}",
        _ => "—",
    };

    private static string ResultEmptyText(TaskRecord task) => task.Status switch
    {
        TaskState.New or TaskState.InProgress => "No result yet.",
        TaskState.Complete => "The function returned no result.",
        _ => "No result: the task did not complete.",
    };

    public void Dispose()
    {
        _subscription?.Dispose();
        _disposed.Cancel();
        _disposed.Dispose();
    }

    /// <summary>What the live handler reacts to: the chain's ids, and the retry its last attempt points at.</summary>
    private sealed record Watch(IReadOnlySet<string> TaskIds, string? AwaitedRetryId)
    {
        public static readonly Watch None = new(new HashSet<string>(), null);
    }
}
