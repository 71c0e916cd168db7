using TasksConsole.Core.Functions;
using TasksConsole.Core.Tasks;

namespace TasksConsole.Core.Execution;

/// <summary>
/// EXH retry semantics: opt-in per function; <c>errorsToRetry</c> (empty = every error) matched against the
/// error name; runtime and invocation errors alike; the n-th retry waits the n-th delay (2, 5, 10 s by default),
/// and there are as many retries as delays. Outcomes that may have run the function are never retried.
/// </summary>
public static class RetryPolicy
{
    public static TimeSpan? NextRetryDelay(FunctionRecord? function, TaskRecord task, TaskOutcome failure)
    {
        if (function is not { RetryEnabled: true } || failure.Succeeded || !failure.Retryable || failure.OutcomeUnknown) return null;

        var retriesSoFar = task.RetryForTaskIds.Count;
        if (retriesSoFar >= function.RetryDelaysSeconds.Count) return null;
        if (function.ErrorsToRetry.Count > 0 && !function.ErrorsToRetry.Contains(failure.ErrorName ?? "", StringComparer.Ordinal))
        {
            return null;
        }
        return TimeSpan.FromSeconds(function.RetryDelaysSeconds[retriesSoFar]);
    }
}
