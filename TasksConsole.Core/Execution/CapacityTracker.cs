namespace TasksConsole.Core.Execution;

/// <summary>
/// Tasks this node has claimed and not yet finished, in total and per function: the dispatcher claims only into
/// free capacity, so limits hold without asking the database. Claims are tracked by their claim token, so a job
/// left over from an earlier run of the process never releases capacity it did not take.
/// </summary>
public sealed class CapacityTracker
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _perFunction = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, string>> _claims = new(StringComparer.Ordinal);
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
}
