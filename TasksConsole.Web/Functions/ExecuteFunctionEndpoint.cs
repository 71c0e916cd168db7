using System.Text.Json;
using System.Text.Json.Nodes;
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
                             "allUsers (any signed-in caller) or permissionRequired (EXECUTE_TASK_FUNCTION). " +
                             "Functions with a time limit above 30 s are refused. Not retried.");
        return app;
    }

    private static async Task<IResult> ExecuteAsync(
        string name, HttpContext context, IFunctionCatalog functions, DirectExecutor executor, CancellationToken cancellationToken)
    {
        var function = await functions.FindAsync(name, cancellationToken)
            ?? throw new ServiceException(ErrorCode.ResourceUnknown, $"No function named '{name}'.");
        if (Authorize(context, function) is { } refusal) return refusal;
        if (!function.Enabled)
        {
            throw new ServiceException(ErrorCode.IllegalState, $"Function '{name}' is disabled.");
        }
        if (function.TimeLimitSeconds > ExecutionErrorCodes.MaxDirectExecutionSeconds)
        {
            throw new ServiceException(ExecutionErrorCodes.TimeLimitExceedsDirectExecutionMaximum,
                $"Function '{name}' may run {function.TimeLimitSeconds} s; direct execution allows at most {ExecutionErrorCodes.MaxDirectExecutionSeconds} s.");
        }

        var body = await JsonBody.ReadObjectAsync(context.Request, allowEmpty: true);
        string? data = null;
        if (body.TryGetProperty("data", out var dataElement) && dataElement.ValueKind != JsonValueKind.Null)
        {
            if (dataElement.ValueKind != JsonValueKind.Object) throw JsonBody.FieldFormat("data", "a JSON object", dataElement);
            data = dataElement.GetRawText();
        }

        var caller = new Caller(context.User.GetUserId(), context.User.GetApplicationId());
        var execution = await executor.ExecuteAsync(function, data, caller, cancellationToken);
        var outcome = execution.Outcome;
        if (!outcome.Succeeded)
        {
            var error = outcome.ErrorType == TaskErrorTypes.Runtime ? ExecutionErrorCodes.LambdaRuntime : ExecutionErrorCodes.LambdaInvocation;
            return TypedResults.Json(new ExecuteErrorBody(error.Code, error.Name, outcome.ErrorMessage ?? "The function failed.",
                new RuntimeError(outcome.ErrorName, outcome.ErrorMessage), execution.Task.Id), ApiJson.Options, statusCode: error.HttpStatus);
        }

        var response = JsonSerializer.SerializeToNode(TaskResponse.From(execution.Task), ApiJson.Options)!.AsObject();
        response["result"] = JsonNode.Parse(outcome.ResultJson ?? "null");
        return TypedResults.Json(response, ApiJson.Options);
    }

    private static IResult? Authorize(HttpContext context, FunctionRecord function)
    {
        var user = context.User;
        var authenticated = user.Identity?.IsAuthenticated == true;
        return function.PermissionMode switch
        {
            FunctionPermissionModes.Public => null,
            FunctionPermissionModes.AllUsers when authenticated => null,
            _ when !authenticated => ApiAuthorization.Unauthenticated(context),
            FunctionPermissionModes.AllUsers => null,
            _ when user.HasPermission(Permissions.ExecuteTaskFunction)
                || user.HasPermission($"{Permissions.ExecuteTaskFunction}:{function.Name}") => null,
            _ => ApiErrors.Result(ErrorCode.NoPermission, $"Executing '{function.Name}' needs the {Permissions.ExecuteTaskFunction} permission."),
        };
    }

    private sealed record ExecuteErrorBody(int Code, string Name, string Message, RuntimeError RuntimeError, string TaskId);

    private sealed record RuntimeError(string? Name, string? Message);
}
