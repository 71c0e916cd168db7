using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TasksConsole.Core.Execution.Lambda;
using TasksConsole.Core.Functions;
using TasksConsole.Core.Tasks;

namespace TasksConsole.Core.Execution;

/// <summary>Runs one started task on Lambda and says how it ended; it never throws for a task's failure.</summary>
public sealed class TaskInvoker(
    ILambdaInvoker lambda,
    IOptions<LambdaOptions> lambdaOptions,
    IOptions<ExecutionOptions> executionOptions,
    TimeProvider clock,
    ILogger<TaskInvoker> logger)
{
    private readonly LambdaOptions _lambdaOptions = lambdaOptions.Value;
    private readonly ExecutionOptions _options = executionOptions.Value;

    public async Task<TaskOutcome> InvokeAsync(TaskRecord task, FunctionRecord? function, CancellationToken cancellationToken)
    {
        // A name the registry does not know is the name of a Lambda deployed by other means, as on EXH.
        var invocation = function is null
            ? new LambdaInvocation(new LambdaTarget(task.FunctionName, null), TaskJson.Serialize(task),
                _options.DefaultTimeLimit + _lambdaOptions.TimeoutMargin)
            : new LambdaInvocation(new LambdaTarget(function.LambdaFunctionName, function.Qualifier), TaskJson.Serialize(task),
                TimeSpan.FromSeconds(function.TimeLimitSeconds) + _lambdaOptions.TimeoutMargin);
        try
        {
            var result = await lambda.InvokeAsync(invocation, cancellationToken);
            if (result.IsFunctionError)
            {
                var error = result.ParseFunctionError();
                return TaskOutcome.Failed(TaskErrorTypes.Runtime, error.ErrorType, error.ErrorMessage, result.LogTail, clock.GetUtcNow());
            }
            return TaskOutcome.Complete(ResultJson(result.Payload), result.LogTail, clock.GetUtcNow());
        }
        catch (LambdaServiceException ex) when (ex.MayHaveRun)
        {
            return TaskOutcome.Zombie($"The outcome is unknown: {ex.Message}", clock.GetUtcNow());
        }
        catch (LambdaServiceException ex) when (function is null && ex.ErrorCode == ResourceNotFound)
        {
            return TaskOutcome.Failed(TaskErrorTypes.Invocation, ex.ErrorCode,
                $"'{task.FunctionName}' is neither in the function registry nor a Lambda function Lambda knows ({ex.Message}).",
                null, clock.GetUtcNow());
        }
        catch (LambdaServiceException ex)
        {
            return TaskOutcome.Failed(TaskErrorTypes.Invocation, ex.ErrorCode, ex.Message, null, clock.GetUtcNow());
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down mid-call: the request may have reached Lambda, so the task must not run again.
            return TaskOutcome.Zombie("The node shut down while the function was running; its outcome is unknown.", clock.GetUtcNow());
        }
        catch (Exception ex)
        {
            // Credentials, configuration, anything raised before a request could be sent.
            logger.LogWarning(ex, "Invoking {Function} for task {TaskId} failed before the request was sent", task.FunctionName, task.Id);
            return TaskOutcome.Failed(TaskErrorTypes.Invocation, "InvocationError", ex.Message, null, clock.GetUtcNow());
        }
    }

    private const string ResourceNotFound = "ResourceNotFoundException";

    /// <summary>The function's result as JSON; a non-JSON result is kept as a JSON string, an oversized one as a note.</summary>
    private string ResultJson(byte[] payload)
    {
        if (payload.Length == 0) return "null";
        if (payload.Length > _options.MaxStoredResultBytes)
        {
            return JsonSerializer.Serialize(new { truncated = true, bytes = payload.Length });
        }
        try
        {
            using var document = JsonDocument.Parse(payload);
            return Encoding.UTF8.GetString(payload);
        }
        catch (JsonException)
        {
            return JsonSerializer.Serialize(Encoding.UTF8.GetString(payload));
        }
    }
}
