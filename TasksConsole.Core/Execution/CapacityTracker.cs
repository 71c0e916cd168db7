namespace TasksConsole.Core.Execution;

/// <summary>
/// Tasks this node has claimed and not yet finished, in total and per function: the dispatcher claims only into
/// free capacity, so limits hold without asking the database. Claims are tracked by their claim token, so a job
/// left over from an earlier run of the process never releases capacity it did not take. It also counts the jobs
/// handed to the batch queue that no worker has started yet, which the dispatcher keeps to a small budget.
/// </summary>
public sealed class CapacityTracker
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _perFunction = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, string>> _claims = new(StringComparer.Ordinal);
    private readonly List<(string ClaimToken, long Since)> _queuedJobs = [];
    private int _total;

    public int InFlight
    {
        get
        {
            lock (_gate) return _total;
        }
    }

    public int InFlightFor(string functionName)
    {
        lock (_gate) return _perFunction.GetValueOrDefault(functionName);
    }

    public IReadOnlyDictionary<string, int> SnapshotPerFunction()
    {
        lock (_gate) return new Dictionary<string, int>(_perFunction, StringComparer.Ordinal);
    }

    public void Add(string claimToken, IEnumerable<(string TaskId, string FunctionName)> tasks)
    {
        lock (_gate)
        {
            var claim = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (taskId, functionName) in tasks)
            {
                claim[taskId] = functionName;
                _perFunction[functionName] = _perFunction.GetValueOrDefault(functionName) + 1;
                _total++;
            }
            _claims[claimToken] = claim;
        }
    }

    /// <summary>Frees one task's slot; false when this process did not claim it (a stale job from an earlier run).</summary>
    public bool Release(string claimToken, string taskId)
    {
        lock (_gate)
        {
            if (!_claims.TryGetValue(claimToken, out var claim) || !claim.Remove(taskId, out var functionName)) return false;
            if (claim.Count == 0) _claims.Remove(claimToken);
            _total--;
            if (--_perFunction[functionName] == 0) _perFunction.Remove(functionName);
            return true;
        }
    }

    public bool Owns(string claimToken)
    {
        lock (_gate) return _claims.ContainsKey(claimToken);
    }

    /// <summary>Records jobs handed to the batch queue for a claim: until they start they hold back the next claim.</summary>
    public void JobsQueued(string claimToken, int count)
    {
        lock (_gate)
        {
            for (var i = 0; i < count; i++) _queuedJobs.Add((claimToken, Environment.TickCount64));
        }
    }

    /// <summary>One of the claim's jobs started (or never made it into the queue); false for a job this process did not queue.</summary>
    public bool JobLeftQueue(string claimToken)
    {
        lock (_gate)
        {
            var index = _queuedJobs.FindIndex(job => job.ClaimToken == claimToken);
            if (index < 0) return false;
            _queuedJobs.RemoveAt(index);
            return true;
        }
    }

    /// <summary>
    /// Jobs queued and not yet started, leaving out those queued longer than <paramref name="maxAge"/> ago: a job that
    /// is slow to start (every worker busy) or lost must not stop this node from claiming for good.
    /// </summary>
    public int QueuedJobs(TimeSpan maxAge)
    {
        var cutOff = Environment.TickCount64 - (long)maxAge.TotalMilliseconds;
        lock (_gate)
        {
            _queuedJobs.RemoveAll(job => job.Since < cutOff);
            return _queuedJobs.Count;
        }
    }
}
