using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TasksConsole.Core.Common;
using TasksConsole.Core.Execution.Lambda;
using TasksConsole.Core.Functions;

namespace TasksConsole.Core.ApiFunctions;

/// <summary>
/// Runs an API function for one HTTP request: the request becomes an API Gateway event, the function is invoked
/// synchronously through the same Lambda invoker as tasks (no queue, no task record: the caller is waiting), and
/// its response object becomes the answer. Never throws for the function's failure; every way a call can end is an
/// <see cref="ApiFunctionAnswer"/> with the record to store.
/// </summary>
public sealed class ApiFunctionInvoker(
    ILambdaInvoker lambda,
    IOptions<LambdaOptions> lambdaOptions,
    TimeProvider clock,
    ILogger<ApiFunctionInvoker> logger)
{
    private readonly LambdaOptions _lambdaOptions = lambdaOptions.Value;

    public async Task<ApiFunctionAnswer> InvokeAsync(FunctionRecord function, ApiFunctionCall call, CancellationToken cancellationToken)
    {
        var started = clock.GetStoredNow();
        var stopwatch = Stopwatch.StartNew();
        var record = new ApiRequestRecord
        {
            Id = ObjectId.NewId(clock),
            FunctionName = function.Name,
            Method = call.Method,
            Path = call.Path,
            UserId = call.Caller.UserId,
            ApplicationId = call.Caller.ApplicationId,
            Timestamp = started,
        };

        ApiFunctionAnswer Fail(string type, ErrorCode code, string? name, string message, string? logTail = null)
        {
            record.StatusCode = code.HttpStatus;
            record.ErrorType = type;
            record.ErrorName = name ?? code.Name;
            record.ErrorMessage = message;
            record.DurationSeconds = stopwatch.Elapsed.TotalSeconds;
            return new ApiFunctionAnswer(code.HttpStatus, [], ReadOnlyMemory<byte>.Empty, new ApiFunctionError(code, message), record, logTail);
        }

        if (!function.Enabled)
        {
            return Fail(ApiRequestErrorTypes.Invocation, ApiFunctionErrorCodes.Invocation, "FunctionDisabled", $"Function '{function.Name}' is disabled.");
        }
        if (function.TimeLimitSeconds > ApiFunctionErrorCodes.MaxTimeLimitSeconds)
        {
            return Fail(ApiRequestErrorTypes.Invocation, ApiFunctionErrorCodes.TimeLimitExceedsMaximum, null,
                $"Function '{function.Name}' may run {function.TimeLimitSeconds} s; API functions may run at most {ApiFunctionErrorCodes.MaxTimeLimitSeconds} s.");
        }

        var invocation = new LambdaInvocation(
            new LambdaTarget(function.LambdaFunctionName, function.Qualifier),
            ApiGatewayEvent.Build(call),
            TimeSpan.FromSeconds(function.TimeLimitSeconds) + _lambdaOptions.TimeoutMargin);
        LambdaInvokeResult result;
        try
        {
            result = await lambda.InvokeAsync(invocation, cancellationToken);
        }
        catch (LambdaServiceException ex)
        {
            return Fail(ApiRequestErrorTypes.Invocation, ApiFunctionErrorCodes.Invocation, ex.ErrorCode, ex.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Fail(ApiRequestErrorTypes.Invocation, ApiFunctionErrorCodes.Invocation, "RequestAborted",
                "The caller went away or the node shut down before the function answered.");
        }
        catch (Exception ex)
        {
            // Credentials, configuration: anything raised before a request could be sent.
            logger.LogWarning(ex, "Invoking API function {Function} failed before the request was sent", function.Name);
            return Fail(ApiRequestErrorTypes.Invocation, ApiFunctionErrorCodes.Invocation, "InvocationError", ex.Message);
        }

        if (result.IsFunctionError)
        {
            var error = result.ParseFunctionError();
            return Fail(ApiRequestErrorTypes.Runtime, ApiFunctionErrorCodes.Runtime, error.ErrorType, error.ErrorMessage, result.LogTail);
        }
        var response = ApiGatewayEvent.ParseResponse(result.Payload);
        if (response.Problem is { } problem)
        {
            return Fail(ApiRequestErrorTypes.Response, ApiFunctionErrorCodes.InvalidResult, "InvalidApiFunctionResult", problem, result.LogTail);
        }

        record.StatusCode = response.StatusCode;
        record.DurationSeconds = stopwatch.Elapsed.TotalSeconds;
        return new ApiFunctionAnswer(response.StatusCode, response.Headers, response.Body, null, record, result.LogTail);
    }
}
