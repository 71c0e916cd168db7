using TasksConsole.Core.Common;
using TasksConsole.Core.Execution;

namespace TasksConsole.Core.ApiFunctions;

/// <summary>The EXH error codes of API functions (the SDK maps each to its own error class).</summary>
public static class ApiFunctionErrorCodes
{
    public static ErrorCode Invocation => ExecutionErrorCodes.LambdaInvocation;
    public static ErrorCode Runtime => ExecutionErrorCodes.LambdaRuntime;
    public static readonly ErrorCode InvalidResult = new(1409, "INVALID_API_FUNCTION_RESULT_EXCEPTION", 400);
    public static readonly ErrorCode TimeLimitExceedsMaximum = new(1411, "TIME_LIMIT_EXCEEDS_API_FUNCTION_MAXIMUM_EXCEPTION", 400);

    /// <summary>A caller waits for the answer, so a function allowed to run longer than this is not served as an API.</summary>
    public const int MaxTimeLimitSeconds = ExecutionErrorCodes.MaxDirectExecutionSeconds;
}
