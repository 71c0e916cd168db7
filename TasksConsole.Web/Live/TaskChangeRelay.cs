using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using TasksConsole.Core.Tasks;

namespace TasksConsole.Web.Live;

/// <summary>
/// Relays the in-process change feed to SignalR clients. The feed's publisher (a commit) only enqueues; this
/// service does the network sends, so a slow client never slows down task execution.
/// </summary>
public sealed class TaskChangeRelay(ITaskChangeFeed feed, IHubContext<TasksHub, ITasksHubClient> hub, ILogger<TaskChangeRelay> logger)
    : BackgroundService
{
    private readonly Channel<TaskChange> _changes = Channel.CreateBounded<TaskChange>(new BoundedChannelOptions(50_000)
    {
        FullMode = BoundedChannelFullMode.DropOldest,
        SingleReader = true,
    });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = feed.Subscribe(change => _changes.Writer.TryWrite(change));
        await foreach (var change in _changes.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await hub.Clients.All.TaskChanged(new TaskChangedMessage(
                    change.Kind.ToString(), change.TaskId, change.FunctionName, change.Status.ToWire(), change.Tags, change.Timestamp));
                if (change.Failure is { } failure)
                {
                    await hub.Clients.All.TaskFailed(new TaskFailedMessage(
                        failure.Id,
                        "task_failed",
                        new TaskFailedContent(failure.TaskId, failure.FunctionName, new TaskFailedError(failure.ErrorType, failure.ErrorName, failure.ErrorMessage)),
                        failure.CreationTimestamp));
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Relaying a change of task {TaskId} to hub clients failed", change.TaskId);
            }
        }
    }
}
