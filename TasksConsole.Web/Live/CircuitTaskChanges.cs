using System.Collections.Concurrent;
using TasksConsole.Core.Tasks;

namespace TasksConsole.Web.Live;

/// <summary>
/// The change feed for one console circuit (scoped). Changes are gathered and handed over at most every
/// <see cref="Interval"/>, in one batch, so a page re-renders a few times a second however busy the engine is.
/// Handlers run on a timer thread: components must marshal with <c>InvokeAsync</c>.
/// </summary>
public sealed class CircuitTaskChanges(ITaskChangeFeed feed) : IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private readonly ConcurrentQueue<TaskChange> _pending = new();
    private readonly Lock _gate = new();
    private readonly List<Func<IReadOnlyList<TaskChange>, Task>> _handlers = [];
    private IDisposable? _subscription;
    private Timer? _timer;

    /// <summary>Receives batches of changes until the returned handle is disposed (or the circuit ends).</summary>
    public IDisposable Subscribe(Func<IReadOnlyList<TaskChange>, Task> handler)
    {
        lock (_gate)
        {
            _handlers.Add(handler);
            _subscription ??= feed.Subscribe(_pending.Enqueue);
            _timer ??= new Timer(_ => _ = FlushAsync(), null, Interval, Interval);
        }
        return new Handle(this, handler);
    }

    private async Task FlushAsync()
    {
        if (_pending.IsEmpty) return;
        var batch = new List<TaskChange>();
        while (batch.Count < 5000 && _pending.TryDequeue(out var change)) batch.Add(change);
        Func<IReadOnlyList<TaskChange>, Task>[] handlers;
        lock (_gate) handlers = [.. _handlers];
        foreach (var handler in handlers)
        {
            try
            {
                await handler(batch);
            }
            catch (ObjectDisposedException)
            {
                // The component went away between the snapshot and the call.
            }
        }
    }

    private void Unsubscribe(Func<IReadOnlyList<TaskChange>, Task> handler)
    {
        lock (_gate) _handlers.Remove(handler);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _subscription?.Dispose();
            _timer?.Dispose();
            _handlers.Clear();
        }
    }

    private sealed class Handle(CircuitTaskChanges owner, Func<IReadOnlyList<TaskChange>, Task> handler) : IDisposable
    {
        public void Dispose() => owner.Unsubscribe(handler);
    }
}
