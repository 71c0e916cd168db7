using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using TasksConsole.Core.Auth;

namespace TasksConsole.Web.Live;

public static class HubPaths
{
    public const string Root = "/hubs";
    public const string Tasks = "/hubs/tasks";
}

/// <summary>What the hub sends: every status change, and task_failed events.</summary>
public interface ITasksHubClient
{
    Task TaskChanged(TaskChangedMessage change);

    Task TaskFailed(TaskFailedMessage failure);
}

public sealed record TaskChangedMessage(
    string Kind, string TaskId, string FunctionName, string Status, IReadOnlyList<string> Tags, DateTimeOffset Timestamp);

/// <summary>The task_failed event: EXH content <c>{id, functionName, error}</c> plus the event's own id and time.</summary>
public sealed record TaskFailedMessage(
    string EventId, string Type, TaskFailedContent Content, DateTimeOffset CreationTimestamp);

public sealed record TaskFailedContent(string Id, string FunctionName, TaskFailedError Error);

public sealed record TaskFailedError(string Type, string? Name, string Message);

/// <summary>
/// The live feed for outside clients (bearer token in the <c>access_token</c> query parameter, or the console
/// cookie). Read-only: clients only listen. Each connection is watched by <see cref="HubConnectionGuard"/>, which
/// closes it when its credential stops standing.
/// </summary>
[Authorize(Policy = Permissions.ViewTasks)]
public sealed class TasksHub(HubConnectionGuard guard) : Hub<ITasksHubClient>
{
    public override Task OnConnectedAsync()
    {
        guard.Watch(Context);
        return Task.CompletedTask;
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        guard.Forget(Context);
        return Task.CompletedTask;
    }
}
