namespace TasksConsole.Core.Execution.Pauses;

/// <summary>The pauses that hold at one moment: what the dispatcher leaves alone.</summary>
public sealed record PauseState(DispatchPauseRecord? Service, IReadOnlyDictionary<string, DispatchPauseRecord> Functions)
{
    public static readonly PauseState None = new(null, new Dictionary<string, DispatchPauseRecord>());

    public bool ServicePaused => Service is not null;

    /// <summary>The pause that keeps this function's tasks waiting (the service's first), or null.</summary>
    public DispatchPauseRecord? Holding(string functionName) => Service ?? Functions.GetValueOrDefault(functionName);

    public static PauseState From(IEnumerable<DispatchPauseRecord> pauses, DateTimeOffset now)
    {
        DispatchPauseRecord? service = null;
        var functions = new Dictionary<string, DispatchPauseRecord>(StringComparer.Ordinal);
        foreach (var pause in pauses.Where(p => p.HoldsAt(now)))
        {
            if (pause.IsServiceWide) service = pause;
            else functions[pause.FunctionName] = pause;
        }
        return service is null && functions.Count == 0 ? None : new PauseState(service, functions);
    }
}
