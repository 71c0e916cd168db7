using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Common;
using TasksConsole.Core.Execution;
using TasksConsole.Core.Functions;
using TasksConsole.Core.Tasks;
using TasksConsole.Web.Api;
using TasksConsole.Web.Auth;
using TasksConsole.Web.Tasks;

namespace TasksConsole.Web.Functions;

/// <summary><c>POST /tasks/v1/functions/{name}/execute</c>: run a function now and answer with the task and its result.</summary>
public static class ExecuteFunctionEndpoint
{
    public static WebApplication MapExecuteFunctionEndpoint(this WebApplication app)
    {
        app.MapPost("/tasks/v1/functions/{name}/execute", ExecuteAsync)
            .AllowAnonymous()
            .WithTags("Functions")
            .WithSummary("Execute a function directly and wait for its result")
            .WithDescription("Who may call it follows the function's executionOptions.permissionMode: public (anyone), " +
                             "allUsers (any signed-in caller) or permissionRequired (EXECUTE_TASK_FUNCTION); calls that only the public or allUsers " +
                             "mode lets through are rate limited per client address (429). " +
                             "Functions with a time limit above 30 s are refused. Not retried.")
            .Accepts<ExecuteFunctionRequest>(isOptional: true, "application/json")
            .LimitOpenCalls(Permissions.ExecuteTaskFunction, "name");
        return app;
    }

    private static async Task<Results<Ok<JsonObject>, JsonHttpResult<ExecuteErrorBody>, JsonHttpResult<ErrorBody>>> ExecuteAsync(
        string name, HttpContext context, IFunctionCatalog functions, DirectExecutor executor, CancellationToken cancellationToken)
    {
        var function = await functions.FindAsync(name, cancellationToken);
        if (FunctionPermission.Authorize(context, name, function, Permissions.ExecuteTaskFunction) is { } refusal) return refusal;
        if (function is null) throw new ServiceException(ErrorCode.ResourceUnknown, $"No function named '{name}'.");
        if (!function.Enabled)
        {
            throw new ServiceException(ErrorCode.IllegalState, $"Function '{name}' is disabled.");
        }
        if (function.TimeLimitSeconds > ExecutionErrorCodes.MaxDirectExecutionSeconds)
        {
            throw new ServiceException(ExecutionErrorCodes.TimeLimitExceedsDirectExecutionMaximum,
                $"Function '{name}' may run {function.TimeLimitSeconds} s; direct execution allows at most {ExecutionErrorCodes.MaxDirectExecutionSeconds} s.");
        }

        // Read here rather than bound as a parameter: who may call depends on the function, and a caller who may
        // not gets its 401 or 403 before the body is looked at.
        var request = await JsonBody.ReadAsync<ExecuteFunctionRequest>(context.Request);
        var execution = await executor.ExecuteAsync(function, request.Data?.GetRawText(), context.User.GetCaller(), cancellationToken);
        var outcome = execution.Outcome;
        if (!outcome.Succeeded)
        {
            var error = outcome.ErrorType == TaskErrorTypes.Runtime ? ExecutionErrorCodes.LambdaRuntime : ExecutionErrorCodes.LambdaInvocation;
            return TypedResults.Json(new ExecuteErrorBody(error.Code, error.Name, outcome.ErrorMessage ?? "The function failed.",
                new RuntimeError(outcome.ErrorName, outcome.ErrorMessage), execution.Task.Id), ApiJson.Options, statusCode: error.HttpStatus);
        }

        var response = JsonSerializer.SerializeToNode(TaskResponse.From(execution.Task), ApiJson.Options)!.AsObject();
        response["result"] = JsonNode.Parse(outcome.ResultJson ?? "null");
        return TypedResults.Ok(response);
    }

    private sealed record ExecuteErrorBody(int Code, string Name, string Message, RuntimeError RuntimeError, string TaskId);

    private sealed record RuntimeError(string? Name, string? Message);
}
