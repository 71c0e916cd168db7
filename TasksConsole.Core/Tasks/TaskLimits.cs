using System.Text.RegularExpressions;

namespace TasksConsole.Core.Tasks;

/// <summary>Input bounds for tasks; EXH documents the data and priority limits, the rest are ours and documented.</summary>
public static partial class TaskLimits
{
    /// <summary>EXH: task data is at most 250 KB, measured as its JSON text.</summary>
    public const int MaxDataBytes = 250 * 1024;

    /// <summary>EXH: priority is any integer a JavaScript number holds exactly.</summary>
    public const long MaxPriority = 9007199254740991;
    public const long MinPriority = -9007199254740991;

    public const int MaxTags = 50;
    public const int MaxTagLength = 100;
    public const int MaxFunctionNameLength = 128;

    /// <summary>Function names as the EXH CLI allows them, plus underscores (Lambda allows them).</summary>
    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    public static partial Regex FunctionNamePattern();

    public static bool IsValidFunctionName(string? name) =>
        name is { Length: > 0 and <= MaxFunctionNameLength } && FunctionNamePattern().IsMatch(name);
}
