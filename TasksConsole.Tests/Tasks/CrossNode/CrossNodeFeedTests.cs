using Microsoft.EntityFrameworkCore;
using Npgsql;
using TasksConsole.Core.Common;
using TasksConsole.Core.Events;
using TasksConsole.Core.Tasks;
using TasksConsole.Core.Tasks.CrossNode;
using TasksConsole.Tests.Infrastructure;

namespace TasksConsole.Tests.Tasks.CrossNode;

/// <summary>Two nodes' change feeds on one real PostgreSQL database.</summary>
public sealed class CrossNodeFeedTests
{
    [Fact]
    public async Task A_change_published_on_node_A_reaches_node_B_and_does_not_come_back_to_A()
    {
        await using var database = await PostgresTestStore.CreateAsync("feed");
        await using var b = await FeedNode.StartAsync(database.ConnectionString);
        await using var a = await FeedNode.StartAsync(database.ConnectionString);
        var task = NewTask("echo", ["blue", "green"]);
        var created = TaskChange.Created(task, task.CreationTimestamp);

        a.Feed.Publish(created);

        await b.WaitUntilAsync(() => !b.Shown.IsEmpty, "node B to be shown the change");
        var shown = Assert.Single(b.Shown);
        Assert.Equal(TaskChangeKind.Created, shown.Kind);
        Assert.Equal(task.Id, shown.TaskId);
        Assert.Equal("echo", shown.FunctionName);
        Assert.Equal(TaskState.New, shown.Status);
        Assert.Equal(["blue", "green"], shown.Tags);
        Assert.Equal(task.CreationTimestamp, shown.Timestamp);
        Assert.Equal(task.StartTimestamp, shown.StartTimestamp);
        // A heard its own notification, skipped it, and showed the change once: when it published it.
        await a.WaitUntilAsync(() => a.Listener.OwnSkipped >= 1, "node A to hear its own notification");
        Assert.Same(created, Assert.Single(a.Shown));
        Assert.Equal(0, a.Listener.Delivered);
        Assert.Equal(1, b.Listener.Delivered);
    }

    [Fact]
    public async Task A_batch_far_larger_than_8_KB_arrives_whole_and_in_order_including_a_change_too_large_for_any_notification()
    {
        await using var database = await PostgresTestStore.CreateAsync("feedbatch");
        await using var b = await FeedNode.StartAsync(database.ConnectionString);
        await using var a = await FeedNode.StartAsync(database.ConnectionString);
        // A final failure whose message alone is over the limit: it travels by id, and B reads it from the store.
        var failedTask = NewTask("fail", ["huge"]);
        failedTask.Status = TaskState.Failed;
        var failure = new TaskFailedEventRecord
        {
            Id = ObjectId.NewId(), TaskId = failedTask.Id, FunctionName = "fail", ErrorType = TaskErrorTypes.Runtime,
            ErrorName = "Boom", ErrorMessage = new string('x', 20_000), CreationTimestamp = failedTask.CreationTimestamp,
        };
        await using (var db = await a.Store.CreateDbContextAsync())
        {
            db.Tasks.Add(failedTask);
            db.TaskFailedEvents.Add(failure);
            await db.SaveChangesAsync();
        }
        var changes = Enumerable.Range(0, 3000)
            .Select(i => NewTask("echo", [$"tag-{i % 7}", "batch"]))
            .Select(t => TaskChange.Created(t, t.CreationTimestamp))
            .Append(TaskChange.Failed(failedTask, failure, failedTask.CreationTimestamp))
            .ToList();

        a.Feed.Publish(changes);

        await b.WaitUntilAsync(() => b.Shown.Count >= changes.Count, "node B to be shown every change");
        var shown = b.Shown.ToList();
        Assert.Equal(changes.Select(c => c.TaskId), shown.Select(c => c.TaskId));
        Assert.All(shown.Take(3000), c => Assert.Equal(["tag-", "batch"], [c.Tags[0][..4], c.Tags[1]]));
        var failed = shown[^1];
        Assert.Equal(TaskState.Failed, failed.Status);
        Assert.Equal(failure.ErrorMessage, failed.Failure?.ErrorMessage);
        Assert.Equal("Boom", failed.Failure?.ErrorName);
        Assert.Equal(["huge"], failed.Tags);
        // ~100 bytes a change: the batch needed dozens of notifications, each under the limit.
        Assert.True(a.Notifier.Notifications > 30, $"{a.Notifier.Notifications} notifications");
        Assert.True(a.Notifier.BytesSent / a.Notifier.Notifications < ChangePayload.MaxBytes);
    }

    [Fact]
    public async Task After_its_listening_connection_is_killed_node_B_reconnects_and_is_shown_every_change_made_meanwhile_once()
    {
        await using var database = await PostgresTestStore.CreateAsync("feedkill");
        // A reconnect delay long enough for node A's changes to be sent while B is away, so the catch-up must bring them.
        await using var b = await FeedNode.StartAsync(database.ConnectionString, new Dictionary<string, string?>
        {
            ["Live:CrossNode:ReconnectDelay"] = "00:00:03",
        });
        await using var a = await FeedNode.StartAsync(database.ConnectionString);
        var before = new[] { NewTask("echo", ["k"]), NewTask("echo", ["k"]), NewTask("echo", ["k"]) };
        await InsertAsync(a, before);
        a.Feed.Publish(before.Select(t => TaskChange.Created(t, t.CreationTimestamp)).ToList());
        await b.WaitUntilAsync(() => b.Shown.Count == 3, "node B to be shown the first three tasks");

        await KillListenerAsync(database, b);

        // Meanwhile on A: one of the first tasks completes, two tasks are created; all sent while B is not listening.
        var completed = before[0];
        var completedAt = TimeProvider.System.GetStoredNow();
        await using (var db = await a.Store.CreateDbContextAsync())
        {
            await db.Tasks.Where(t => t.Id == completed.Id).ExecuteUpdateAsync(set => set
                .SetProperty(t => t.Status, TaskState.Complete)
                .SetProperty(t => t.StatusChangedTimestamp, completedAt)
                .SetProperty(t => t.UpdateTimestamp, completedAt));
        }
        completed.Status = TaskState.Complete;
        var meanwhile = new[] { NewTask("echo", ["k"]), NewTask("sleep", ["k", "late"]) };
        await InsertAsync(a, meanwhile);
        var sentBefore = a.Notifier.ChangesSent;
        a.Feed.Publish([TaskChange.StatusChanged(completed, completedAt), .. meanwhile.Select(t => TaskChange.Created(t, t.CreationTimestamp))]);
        await a.WaitUntilAsync(() => a.Notifier.ChangesSent == sentBefore + 3, "node A to send the changes");
        Assert.Equal(1, b.Listener.Connections);

        await b.WaitUntilAsync(() => b.Listener.Connections == 2, "node B to reconnect");
        await b.WaitUntilAsync(() => b.Shown.Count >= 6, "node B to be shown the changes made meanwhile");
        Assert.Equal(3, b.Listener.CaughtUp);
        var done = Assert.Single(b.Shown, c => c.TaskId == completed.Id && c.Kind == TaskChangeKind.StatusChanged);
        Assert.Equal(TaskState.Complete, done.Status);
        Assert.Equal(completedAt, done.Timestamp);
        foreach (var task in meanwhile)
        {
            var created = Assert.Single(b.ShownFor(task.Id));
            Assert.Equal(TaskChangeKind.Created, created.Kind);
            Assert.Equal(TaskState.New, created.Status);
            Assert.Equal(task.Tags, created.Tags);
            Assert.Equal(task.StartTimestamp, created.StartTimestamp);
        }

        // Listening again: a change after the reconnection arrives as a notification, and nothing is repeated.
        var after = NewTask("echo", ["k"]);
        a.Feed.Publish(TaskChange.Created(after, after.CreationTimestamp));
        await b.WaitUntilAsync(() => b.ShownFor(after.Id).Count == 1, "node B to be shown the change made after reconnecting");
        Assert.Equal(7, b.Shown.Count);
        Assert.Equal(7, b.Shown.Select(c => (c.TaskId, c.Status)).Distinct().Count());
        Assert.Equal(3, b.Listener.CaughtUp);
    }

    [Fact]
    public async Task A_catch_up_read_that_keeps_failing_is_given_up_and_the_node_listens_again()
    {
        // No tables: every catch-up read fails, while listening works.
        await using var database = await PostgresServer.CreateDatabaseAsync("feednoschema");
        await using var b = await FeedNode.StartAsync(database.ConnectionString, new Dictionary<string, string?>
        {
            ["Live:CrossNode:ReconnectDelay"] = "00:00:00.050",
        });
        await using var a = await FeedNode.StartAsync(database.ConnectionString);

        await KillListenerAsync(database, b);

        await b.WaitUntilAsync(() => b.Listener.Connections == 2, "node B to listen again");
        var task = NewTask("echo", []);
        a.Feed.Publish(TaskChange.Created(task, task.CreationTimestamp));
        await b.WaitUntilAsync(() => !b.Shown.IsEmpty, "node B to be shown a change after giving up the catch-up");
        Assert.Equal(task.Id, Assert.Single(b.Shown).TaskId);
        Assert.Equal(0, b.Listener.CaughtUp);
    }

    private static async Task KillListenerAsync(PostgresDatabase database, FeedNode node)
    {
        await using (var admin = new NpgsqlConnection(database.ConnectionString))
        {
            await admin.OpenAsync();
            await using var kill = new NpgsqlCommand("SELECT pg_terminate_backend($1)", admin);
            kill.Parameters.Add(new NpgsqlParameter<int> { TypedValue = node.Listener.ProcessId });
            Assert.Equal(true, await kill.ExecuteScalarAsync());
        }
        await node.WaitUntilAsync(() => node.Listener.ProcessId == 0, "the node to notice the lost connection");
    }

    private static TaskRecord NewTask(string function, IReadOnlyList<string> tags) =>
        TaskRecord.New(ObjectId.NewId(), new NewTask(function, Tags: tags), Caller.System, TimeProvider.System.GetStoredNow());

    private static async Task InsertAsync(FeedNode node, IEnumerable<TaskRecord> tasks)
    {
        await using var db = await node.Store.CreateDbContextAsync();
        db.Tasks.AddRange(tasks);
        await db.SaveChangesAsync();
    }
}
