using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using TasksConsole.Core.Data;
using TasksConsole.Core.Tasks;

namespace TasksConsole.Core.Metrics;

/// <summary>
/// The service's own metrics, on the <see cref="MeterName"/> meter: what happens to tasks (created, started,
/// finished by status, each by function), how late they start and how long their invocations take, how often the
/// dispatcher claims, and how many due tasks wait. The engine and the task service call it where each happens; the
/// host exports the meter (Prometheus at <c>/metrics</c>). Each node counts what it did itself.
/// </summary>
public sealed class TasksMetrics : IDisposable
{
    public const string MeterName = "TasksConsole";

    /// <summary>The queue depth is a count over the tasks table: read at most this often, however often it is scraped.</summary>
    public static readonly TimeSpan QueueDepthCacheLifetime = TimeSpan.FromSeconds(5);

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _created;
    private readonly Counter<long> _started;
    private readonly Counter<long> _finished;
    private readonly Counter<long> _claimRounds;
    private readonly Histogram<double> _startLag;
    private readonly Histogram<double> _invocationDuration;
    private readonly IDbContextFactory<TasksDbContext>? _dbFactory;
    private readonly TimeProvider _clock;
    private readonly Lock _queueDepthLock = new();
    private long _queueDepth;
    private DateTimeOffset _queueDepthReadAt = DateTimeOffset.MinValue;

    public TasksMetrics(TimeProvider clock, IMeterFactory? meterFactory = null, IDbContextFactory<TasksDbContext>? dbFactory = null)
    {
        _clock = clock;
        _dbFactory = dbFactory;
        // The host's factory scopes the meter to this host (tests run several in one process); without one, our own.
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _created = _meter.CreateCounter<long>("tasksconsole.tasks.created", "{task}", "Tasks created (by the API, the console, a schedule or a retry).");
        _started = _meter.CreateCounter<long>("tasksconsole.tasks.started", "{task}", "Tasks moved to inProgress and invoked.");
        _finished = _meter.CreateCounter<long>("tasksconsole.tasks.finished", "{task}", "Tasks that reached a final status (complete, failed, retried, canceled).");
        _claimRounds = _meter.CreateCounter<long>("tasksconsole.dispatch.claim_rounds", "{round}", "Claims the dispatcher made, with the tasks they won.");
        _startLag = _meter.CreateHistogram<double>("tasksconsole.tasks.start_lag", "s", "From a task's start timestamp to its move to inProgress.");
        _invocationDuration = _meter.CreateHistogram<double>("tasksconsole.tasks.invocation.duration", "s", "One function invocation, request to response.");
        _meter.CreateObservableGauge("tasksconsole.queue.depth", ReadQueueDepth, "{task}", "Tasks that are new and due now (waiting for a claim).");
    }

    /// <summary>A task was committed as created.</summary>
    public void Created(string functionName) => _created.Add(1, Function(functionName));

    /// <summary>A task moved to inProgress at <paramref name="at"/>: how late that was after its start timestamp.</summary>
    public void Started(TaskRecord task, DateTimeOffset at)
    {
        var function = Function(task.FunctionName);
        _started.Add(1, function);
        _startLag.Record(Math.Max(0, (at - task.StartTimestamp).TotalSeconds), function);
    }

    public void Invoked(string functionName, TimeSpan duration) => _invocationDuration.Record(duration.TotalSeconds, Function(functionName));

    public void ClaimRound(int claimed) => _claimRounds.Add(1, new KeyValuePair<string, object?>("outcome", claimed > 0 ? "claimed" : "empty"));

    /// <summary>
    /// Committed changes as they are published: creations (a retry creates its next task) and final statuses count;
    /// a move to inProgress is counted by <see cref="Started"/>, which knows the lag.
    /// </summary>
    public void Committed(IEnumerable<TaskChange> changes)
    {
        foreach (var change in changes) Committed(change);
    }

    public void Committed(TaskChange change)
    {
        if (change.Kind == TaskChangeKind.Created)
        {
            Created(change.FunctionName);
        }
        else if (change.Status is TaskState.Complete or TaskState.Failed or TaskState.Retried or TaskState.Canceled)
        {
            Finished(change.FunctionName, change.Status);
        }
    }

    /// <summary>A task reached the final <paramref name="status"/>.</summary>
    public void Finished(string functionName, TaskState status) =>
        _finished.Add(1, Function(functionName), new KeyValuePair<string, object?>("status", status.ToWire()));

    private static KeyValuePair<string, object?> Function(string name) => new("function", name);

    private long ReadQueueDepth()
    {
        if (_dbFactory is null) return 0;
        var now = _clock.GetUtcNow();
        lock (_queueDepthLock)
        {
            if (now - _queueDepthReadAt < QueueDepthCacheLifetime) return _queueDepth;
            using var db = _dbFactory.CreateDbContext();
            _queueDepth = db.Tasks.AsNoTracking().LongCount(t => t.Status == TaskState.New && t.StartTimestamp <= now);
            _queueDepthReadAt = now;
            return _queueDepth;
        }
    }

    public void Dispose()
    {
        if (_ownsMeter) _meter.Dispose();
    }
}
