using Microsoft.Extensions.Time.Testing;
using TasksConsole.Core.Common;
using TasksConsole.Core.Tasks;
using TasksConsole.Core.Tasks.CrossNode;

namespace TasksConsole.Tests.Tasks.CrossNode;

public sealed class SeenChangesTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero));

    [Fact]
    public void The_same_status_of_a_task_is_shown_once_whichever_route_brings_it()
    {
        var seen = new SeenChanges(_clock);
        var task = Task();

        Assert.True(seen.TryAccept(TaskChange.Created(task, Now)));
        Assert.False(seen.TryAccept(TaskChange.Created(task, Now)));
        task.Status = TaskState.InProgress;
        Assert.True(seen.TryAccept(TaskChange.StatusChanged(task, Now.AddSeconds(1))));
        Assert.False(seen.TryAccept(TaskChange.StatusChanged(task, Now.AddSeconds(1))));
    }

    [Fact]
    public void A_change_this_node_made_is_not_shown_again_when_the_catch_up_reads_it()
    {
        var seen = new SeenChanges(_clock);
        var task = Task();
        task.Status = TaskState.Complete;

        seen.RecordLocal(TaskChange.StatusChanged(task, Now));

        Assert.False(seen.TryAccept(TaskChange.StatusChanged(task, Now)));
    }

    [Fact]
    public void An_older_status_after_a_later_one_is_dropped_but_a_late_creation_is_shown_once()
    {
        var seen = new SeenChanges(_clock);
        var task = Task();
        task.Status = TaskState.Complete;
        // The catch-up showed the task created and already complete; its notifications were still in flight.
        Assert.True(seen.TryAccept(TaskChange.Created(task, Now)));
        task.Status = TaskState.InProgress;
        Assert.False(seen.TryAccept(TaskChange.StatusChanged(task, Now.AddSeconds(1))));
        task.Status = TaskState.New;
        Assert.False(seen.TryAccept(TaskChange.Created(task, Now)));

        // Another node's creation arriving after this node already started the task is still news, once.
        var other = Task();
        other.Status = TaskState.InProgress;
        seen.RecordLocal(TaskChange.StatusChanged(other, Now.AddSeconds(1)));
        other.Status = TaskState.New;
        Assert.True(seen.TryAccept(TaskChange.Created(other, Now)));
        Assert.False(seen.TryAccept(TaskChange.Created(other, Now)));
    }

    [Fact]
    public void What_was_first_seen_before_the_horizon_is_forgotten()
    {
        var seen = new SeenChanges(_clock);
        var old = Task();
        seen.RecordLocal(TaskChange.Created(old, Now));
        _clock.Advance(TimeSpan.FromMinutes(2));
        var recent = Task();
        seen.RecordLocal(TaskChange.Created(recent, Now));

        seen.Prune(_clock.GetUtcNow() - TimeSpan.FromMinutes(1));

        Assert.False(seen.Knows(old.Id));
        Assert.True(seen.Knows(recent.Id));
        Assert.Equal(1, seen.Count);
    }

    private static DateTimeOffset Now => new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    private static TaskRecord Task() => TaskRecord.New(ObjectId.NewId(), new NewTask("echo"), Caller.System, Now);
}
