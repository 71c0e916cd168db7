using TasksConsole.Core.Common;

namespace TasksConsole.Core.Execution;

/// <summary>EXH error codes of direct execution (the SDK maps them to LambdaRuntimeError and friends).</summary>
public static class ExecutionErrorCodes
{
    public static readonly ErrorCode TimeLimitExceedsDirectExecutionMaximum =
        new(1404, "TIME_LIMIT_EXCEEDS_DIRECT_EXECUTION_MAXIMUM_EXCEPTION", 400);
    public static readonly ErrorCode LambdaInvocation = new(1405, "LAMBDA_INVOCATION_EXCEPTION", 400);
    public static readonly ErrorCode LambdaRuntime = new(1406, "LAMBDA_RUNTIME_EXCEPTION", 400);

    /// <summary>EXH refuses direct execution of functions allowed to run longer than this.</summary>
    public const int MaxDirectExecutionSeconds = 30;
}
