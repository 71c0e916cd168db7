namespace TasksConsole.Core.Execution.Pauses;

/// <summary>
/// A pause of dispatch, for the whole service (<see cref="FunctionName"/> is <see cref="ServiceScope"/>) or for one
/// function. While it holds nothing new starts in its scope: due tasks stay <c>new</c> and wait, running tasks
/// finish. Unlike disabling a function it says why and who, and it can end by itself at <see cref="ResumeTimestamp"/>.
/// </summary>
public sealed class DispatchPauseRecord
{
    /// <summary>The key of the service-wide pause (no function name is empty).</summary>
    public const string ServiceScope = "";

    public const int MaxReasonLength = 500;

    public required string FunctionName { get; set; }
    public string Reason { get; set; } = "";

    /// <summary>Who paused: a user's id, and their email at the time (shown without a lookup).</summary>
    public string? PausedByUserId { get; set; }
    public string? PausedBy { get; set; }

    public DateTimeOffset PausedTimestamp { get; set; }

    /// <summary>When the pause ends by itself; null holds it until someone resumes.</summary>
    public DateTimeOffset? ResumeTimestamp { get; set; }

    public bool IsServiceWide => FunctionName == ServiceScope;

    public bool HoldsAt(DateTimeOffset now) => ResumeTimestamp is not { } resume || resume > now;
}
