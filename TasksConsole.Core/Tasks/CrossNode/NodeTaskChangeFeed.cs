using System.Threading.Channels;

namespace TasksConsole.Core.Tasks.CrossNode;

/// <summary>
/// The change feed of one node among several: a change published here goes to this node's subscribers (at once,
/// as with the in-process feed) and to the outbox that <see cref="ChangeNotifier"/> sends to the other nodes;
/// a change from another node enters through <see cref="DeliverFromOtherNode"/>, reaches the subscribers the same
/// way and is never sent on.
/// </summary>
public sealed class NodeTaskChangeFeed(TaskChangeFeed local, SeenChanges seen) : ITaskChangeFeed
{
    /// <summary>Bounded so that a database that stays away cannot take the node's memory with it.</summary>
    public const int OutboxCapacity = 200_000;

    private long _outboxDropped;

    /// <summary>Names this process in its notifications, so that it skips its own; unique per process, unlike the node id.</summary>
    public string Origin { get; } = Guid.NewGuid().ToString("N")[..12];

    internal Channel<TaskChange> Outbox { get; } = Channel.CreateBounded<TaskChange>(
        new BoundedChannelOptions(OutboxCapacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });

    /// <summary>Changes that could not be queued for the other nodes because the outbox was full.</summary>
    public long OutboxDropped => Interlocked.Read(ref _outboxDropped);

    public void Publish(TaskChange change)
    {
        seen.RecordLocal(change);
        local.Publish(change);
        if (!Outbox.Writer.TryWrite(change)) Interlocked.Increment(ref _outboxDropped);
    }

    public IDisposable Subscribe(Action<TaskChange> handler) => local.Subscribe(handler);

    /// <summary>Shows a change made elsewhere to this node's subscribers, unless they were shown it already.</summary>
    /// <returns>Whether it was delivered.</returns>
    public bool DeliverFromOtherNode(TaskChange change)
    {
        if (!seen.TryAccept(change)) return false;
        local.Publish(change);
        return true;
    }
}
