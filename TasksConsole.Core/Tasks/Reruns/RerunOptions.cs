namespace TasksConsole.Core.Tasks.Reruns;

/// <summary>
/// How copies are made. By default a copy keeps its original's priority and starts now; <see cref="AddTag"/> marks
/// every copy so the batch can be found (and filtered) afterwards.
/// </summary>
public sealed record RerunOptions(bool KeepPriority = true, bool KeepStartTimestamp = false, string? AddTag = null)
{
    public static readonly RerunOptions Default = new();
}

/// <summary>What a re-run selected and made.</summary>
public sealed record RerunResult(long Created, bool Stopped);
