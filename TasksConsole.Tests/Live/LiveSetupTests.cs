using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TasksConsole.Core.Data;
using TasksConsole.Core.Tasks;
using TasksConsole.Core.Tasks.CrossNode;
using TasksConsole.Tests.Infrastructure;
using TasksConsole.Tests.Tasks.CrossNode;
using TasksConsole.Web.Live;

namespace TasksConsole.Tests.Live;

public sealed class LiveSetupTests
{
    [Fact]
    public void On_SQLite_the_feed_stays_in_process_with_nothing_listening()
    {
        var builder = CoreBuilder.Create();
        builder.AddTasksCore();

        builder.AddLive();

        using var services = builder.Services.BuildServiceProvider();
        Assert.IsType<TaskChangeFeed>(services.GetRequiredService<ITaskChangeFeed>());
        Assert.Null(services.GetService<ChangeListener>());
        Assert.Null(services.GetService<ChangeNotifier>());
    }

    [Fact]
    public async Task On_PostgreSQL_a_console_circuit_is_shown_a_change_made_on_another_node()
    {
        await using var database = await PostgresTestStore.CreateAsync("livesetup");
        var builder = CoreBuilder.WithPostgreSql(database.ConnectionString);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddStorageCore();
        builder.AddTasksCore();
        builder.AddLive();
        using var host = builder.Build();
        await host.StartAsync();
        await using var other = await FeedNode.StartAsync(database.ConnectionString);
        try
        {
            Assert.IsType<NodeTaskChangeFeed>(host.Services.GetRequiredService<ITaskChangeFeed>());
            var listener = host.Services.GetRequiredService<ChangeListener>();
            await other.WaitUntilAsync(() => listener.Connections >= 1, "this node's listener to connect");
            using var scope = host.Services.CreateScope();
            var shown = new ConcurrentQueue<TaskChange>();
            using var subscription = scope.ServiceProvider.GetRequiredService<CircuitTaskChanges>().Subscribe(batch =>
            {
                foreach (var change in batch) shown.Enqueue(change);
                return Task.CompletedTask;
            });
            var task = TaskRecord.New(Core.Common.ObjectId.NewId(), new NewTask("echo"), Caller.System, DateTimeOffset.UtcNow);

            other.Feed.Publish(TaskChange.Created(task, task.CreationTimestamp));

            await other.WaitUntilAsync(() => !shown.IsEmpty, "the circuit to be shown the other node's change");
            Assert.Equal(task.Id, Assert.Single(shown).TaskId);
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
