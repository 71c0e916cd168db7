using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using TasksConsole.Core.Audit;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Functions;
using TasksConsole.Web.Api;
using TasksConsole.Web.Auth;

namespace TasksConsole.Web.Functions;

/// <summary>
/// The EXH function registry routes under <c>/tasks/v1/functions</c> (list and create with a trailing slash, as
/// the SDK sends them). Direct execution, in <see cref="ExecuteFunctionEndpoint"/>, is mapped with them.
/// </summary>
public static class FunctionsEndpoints
{
    public static WebApplication MapFunctionsEndpoints(this WebApplication app)
    {
        var functions = app.MapGroup("/tasks/v1/functions").WithTags("Functions");

        functions.MapGet("/", ListFunctions)
            .RequirePermission(Permissions.ViewTaskFunctions)
            .WithSummary("List functions")
            .WithDescription("Every function in one page (RQL is ignored, as on EXH). Items are name, description, enabled and timestamps; " +
                             "GET /functions/{name} has the details.");
        functions.MapPost("/", CreateFunction)
            .RequirePermission(Permissions.CreateTaskFunction)
            .WithSummary("Register a function")
            .WithDescription("`code`, `entryPoint` and `runtime` are optional: TasksConsole invokes an existing Lambda function " +
                             "(`lambdaFunctionName`, default the name) and does not deploy code. `code` is stored but never returned.");
        functions.MapGet("/{name}", GetFunction)
            .RequirePermission(Permissions.ViewTaskFunctionDetails)
            .WithSummary("A function's details")
            .WithDescription("Environment variable values are returned only to callers with VIEW_TASK_FUNCTION_SECRETS (admins), and each " +
                             "such read is audited; others get `{\"NAME\": {\"set\": true}}`. On update, a variable given without `value` keeps its stored value.");
        functions.MapPut("/{name}", UpdateFunction)
            .RequirePermission(Permissions.UpdateTaskFunction)
            .WithSummary("Update a function")
            .WithDescription("Partial: only the given fields change, unknown fields are ignored, null resets a field to its default. " +
                             "`executionOptions` and `retryPolicy` are replaced as a whole. The name cannot change.");
        functions.MapDelete("/{name}", DeleteFunction)
            .RequirePermission(Permissions.DeleteTaskFunction)
            .WithSummary("Delete a function")
            .WithDescription("Its tasks and their logs are kept.");
        functions.MapMethods("/{name}/enable", [HttpMethods.Post, HttpMethods.Get], EnableFunction)
            .RequirePermission(Permissions.UpdateTaskFunction)
            .WithSummary("Enable a function")
            .WithDescription("POST (SDK) or GET (EXH changelog 1.2.0). affectedRecords is 0 when it was already enabled.");
        functions.MapMethods("/{name}/disable", [HttpMethods.Post, HttpMethods.Get], DisableFunction)
            .RequirePermission(Permissions.UpdateTaskFunction)
            .WithSummary("Disable a function")
            .WithDescription("Its tasks are no longer run. affectedRecords is 0 when it was already disabled.");
        app.MapExecuteFunctionEndpoint();
        return app;
    }

    private static async Task<Ok<PagedResult<FunctionSummaryResponse>>> ListFunctions(FunctionService functions, CancellationToken cancellationToken)
    {
        var all = await functions.ListAsync(cancellationToken);
        var data = all.Select(FunctionSummaryResponse.From).ToList();
        return TypedResults.Ok(new PagedResult<FunctionSummaryResponse>(new PageInfo(data.Count, 0, data.Count), data));
    }

    private static async Task<Ok<FunctionDetailsResponse>> CreateFunction(
        FunctionRequest request, ClaimsPrincipal user, FunctionService functions, CancellationToken cancellationToken)
    {
        var function = await functions.CreateAsync(request.ApplyTo(new FunctionDefinition { Name = "" }), cancellationToken);
        // The caller has just sent the values: echoing them back reveals nothing new, so it is not audited.
        return TypedResults.Ok(FunctionDetailsResponse.From(function, user.HasPermission(Permissions.ViewTaskFunctionSecrets)));
    }

    private static async Task<Ok<FunctionDetailsResponse>> GetFunction(
        string name, ClaimsPrincipal user, FunctionService functions, AuditTrail audit, CancellationToken cancellationToken)
    {
        var function = await functions.GetAsync(name, cancellationToken);
        var reveal = user.HasPermission(Permissions.ViewTaskFunctionSecrets);
        if (reveal && FunctionEnvironment.Parse(function.EnvironmentVariablesJson) is { Count: > 0 } variables)
        {
            audit.Record(AuditActions.FunctionRevealEnvironment, "function", function.Name,
                $"Read the values of {variables.Count} environment variable(s) of {function.Name} through the API.");
        }
        return TypedResults.Ok(FunctionDetailsResponse.From(function, reveal));
    }

    private static async Task<Ok<AffectedRecordsResponse>> UpdateFunction(
        string name, FunctionRequest request, FunctionService functions, CancellationToken cancellationToken)
    {
        var affected = await functions.UpdateAsync(name, request.ApplyTo, cancellationToken);
        return TypedResults.Ok(new AffectedRecordsResponse(affected));
    }

    private static async Task<Ok<AffectedRecordsResponse>> DeleteFunction(string name, FunctionService functions, CancellationToken cancellationToken)
    {
        var affected = await functions.DeleteAsync(name, cancellationToken);
        return TypedResults.Ok(new AffectedRecordsResponse(affected));
    }

    private static async Task<Ok<AffectedRecordsResponse>> EnableFunction(string name, FunctionService functions, CancellationToken cancellationToken) =>
        TypedResults.Ok(new AffectedRecordsResponse(await functions.SetEnabledAsync(name, true, cancellationToken)));

    private static async Task<Ok<AffectedRecordsResponse>> DisableFunction(string name, FunctionService functions, CancellationToken cancellationToken) =>
        TypedResults.Ok(new AffectedRecordsResponse(await functions.SetEnabledAsync(name, false, cancellationToken)));
}
