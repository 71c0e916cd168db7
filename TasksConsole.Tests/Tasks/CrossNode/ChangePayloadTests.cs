using System.Text;
using TasksConsole.Core.Common;
using TasksConsole.Core.Events;
using TasksConsole.Core.Tasks;
using TasksConsole.Core.Tasks.CrossNode;

namespace TasksConsole.Tests.Tasks.CrossNode;

public sealed class ChangePayloadTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 10, 0, 0, 123, TimeSpan.Zero);

    [Fact]
    public void Every_field_of_a_change_survives_the_round_trip()
    {
        var task = Task("fail", ["ünïcode \"quoted\"", "b"]);
        task.Status = TaskState.Failed;
        var failure = new TaskFailedEventRecord
        {
            Id = ObjectId.NewId(), TaskId = task.Id, FunctionName = task.FunctionName, ErrorType = "runtime", ErrorName = null,
            ErrorMessage = "line 1\nline 2", CreationTimestamp = Now,
        };
        var changes = new[] { TaskChange.Created(task, Now), TaskChange.Failed(task, failure, Now.AddSeconds(1)) };
        long sequence = 7;

        var payload = Assert.Single(ChangePayload.Pack("node1", ref sequence, changes));
        var received = ChangePayload.Parse(payload);

        Assert.Equal(8, sequence);
        Assert.Equal(("node1", 7L), (received.Origin, received.Sequence));
        Assert.Empty(received.References);
        var created = received.Changes[0];
        Assert.Equal((TaskChangeKind.Created, task.Id, "fail", TaskState.Failed, Now, task.StartTimestamp),
            (created.Kind, created.TaskId, created.FunctionName, created.Status, created.Timestamp, created.StartTimestamp));
        Assert.Equal(task.Tags, created.Tags);
        Assert.Null(created.Failure);
        var failed = received.Changes[1];
        Assert.Equal((TaskChangeKind.StatusChanged, Now.AddSeconds(1), (DateTimeOffset?)null), (failed.Kind, failed.Timestamp, failed.StartTimestamp));
        Assert.Equivalent(failure, failed.Failure, strict: true);
    }

    [Fact]
    public void A_batch_is_split_into_payloads_under_the_limit_that_keep_the_order()
    {
        var changes = Enumerable.Range(0, 500).Select(i => TaskChange.Created(Task("echo", [$"tag-{i}"]), Now)).ToList();
        long sequence = 0;

        var payloads = ChangePayload.Pack("n", ref sequence, changes, maxBytes: 2000);

        Assert.True(payloads.Count > 10);
        Assert.All(payloads, p => Assert.True(Encoding.UTF8.GetByteCount(p) <= 2000));
        Assert.Equal(payloads.Count, sequence);
        var received = payloads.Select(ChangePayload.Parse).ToList();
        Assert.Equal(Enumerable.Range(0, payloads.Count).Select(i => (long)i), received.Select(r => r.Sequence));
        Assert.Equal(changes.Select(c => c.TaskId), received.SelectMany(r => r.Changes).Select(c => c.TaskId));
    }

    [Fact]
    public void A_change_too_large_for_any_payload_travels_as_a_reference()
    {
        var big = Task("echo", [new string('t', 3000), new string('u', 3000)]);
        var small = Task("echo", ["s"]);
        long sequence = 0;

        var payloads = ChangePayload.Pack("n", ref sequence, [TaskChange.Created(big, Now), TaskChange.Created(small, Now)], maxBytes: 2000);

        var received = ChangePayload.Parse(Assert.Single(payloads));
        var reference = Assert.Single(received.References);
        Assert.Equal(new ChangeReference(TaskChangeKind.Created, big.Id, TaskState.New, Now), reference);
        Assert.Equal(small.Id, Assert.Single(received.Changes).TaskId);
    }

    [Fact]
    public void A_payload_is_known_by_its_sender_without_being_parsed()
    {
        long sequence = 0;
        var payload = ChangePayload.Pack("abc123", ref sequence, [TaskChange.Created(Task("echo", []), Now)])[0];

        Assert.True(ChangePayload.IsFrom(payload, "abc123"));
        Assert.False(ChangePayload.IsFrom(payload, "abc12"));
        Assert.False(ChangePayload.IsFrom(payload, "abc1234"));
    }

    private static TaskRecord Task(string function, IReadOnlyList<string> tags) =>
        TaskRecord.New(ObjectId.NewId(), new NewTask(function, Tags: tags), Caller.System, Now);
}
