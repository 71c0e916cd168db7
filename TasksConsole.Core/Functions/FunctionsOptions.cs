namespace TasksConsole.Core.Functions;

/// <summary>Configuration section <c>Functions</c>: how the function registry governs tasks.</summary>
public sealed class FunctionsOptions
{
    public const string Section = "Functions";

    /// <summary>
    /// Refuse, at creation, tasks and schedules whose function is not in the registry. Off by default: as on EXH, a
    /// task may name any Lambda function of the account, registered or not (it then runs with the defaults of
    /// <c>Execution:DefaultTimeLimit</c>, no retry policy and no concurrency cap of its own).
    /// </summary>
    public bool RequireRegistration { get; set; }
}
