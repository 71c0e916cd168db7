namespace TasksConsole.Core.Tasks;

/// <summary>A task's status; the names are the EXH wire values (camelCase on the wire).</summary>
public enum TaskState
{
    New,
    InProgress,
    Complete,
    Failed,
    Retried,
    Canceled,
}

public static class TaskStates
{
    public static string ToWire(this TaskState state) => state switch
    {
        TaskState.New => "new",
        TaskState.InProgress => "inProgress",
        TaskState.Complete => "complete",
        TaskState.Failed => "failed",
        TaskState.Retried => "retried",
        TaskState.Canceled => "canceled",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    public static bool TryParseWire(string? value, out TaskState state)
    {
        foreach (var candidate in Enum.GetValues<TaskState>())
        {
            if (string.Equals(candidate.ToWire(), value, StringComparison.Ordinal))
            {
                state = candidate;
                return true;
            }
        }
        state = default;
        return false;
    }

    public static bool IsTerminal(this TaskState state) => state is not (TaskState.New or TaskState.InProgress);
}
