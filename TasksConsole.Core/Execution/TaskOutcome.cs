using TasksConsole.Core.Tasks;

namespace TasksConsole.Core.Execution;

/// <summary>How one invocation ended, before it is recorded.</summary>
public sealed record TaskOutcome(
    bool Succeeded,
    string? ResultJson,
    string? ErrorType,
    string? ErrorName,
    string? ErrorMessage,
    string? LogTail,
    DateTimeOffset FinishedAt,
    bool OutcomeUnknown = false,
    bool Retryable = true)
{
    public const string ZombieErrorName = "zombieTaskCleaned";

    public static TaskOutcome Complete(string resultJson, string? logTail, DateTimeOffset at) =>
        new(true, resultJson, null, null, null, logTail, at);

    public static TaskOutcome Failed(string type, string? name, string message, string? logTail, DateTimeOffset at, bool retryable = true) =>
        new(false, null, type, name, message, logTail, at, Retryable: retryable);

    /// <summary>The function may or may not have run: never retried, so it can never run twice.</summary>
    public static TaskOutcome Zombie(string message, DateTimeOffset at) =>
        new(false, null, TaskErrorTypes.Invocation, ZombieErrorName, message, null, at, OutcomeUnknown: true, Retryable: false);
}
