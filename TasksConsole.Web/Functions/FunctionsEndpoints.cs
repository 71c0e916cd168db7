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
    /// <summary>A body may carry the function's zip as base64; EXH's gateway takes 10 MB.</summary>
    public const int MaxBodyBytes = 10 * 1024 * 1024;

    public static WebApplication MapFunctionsEndpoints(this WebApplication app)
    {
        var functions = app.MapGroup("/tasks/v1/functions").WithTags("Functions");

        functions.MapGet("/", ListFunctions)
            .RequirePermission(Permissions.ViewTaskFunctions)
            .WithSummary("List functions")
            .WithDescription("Every function in one page (RQL is ignored, as on EXH). Items are name, description, enabled and timestamps; " +
                             "GET /functions/{name} has the details.")
            .Produces<PagedResult<FunctionSummaryResponse>>();
        functions.MapPost("/", CreateFunction)
            .RequirePermission(Permissions.CreateTaskFunction)
            .WithSummary("Register a function")
            .WithDescription("`code`, `entryPoint` and `runtime` are optional: TasksConsole invokes an existing Lambda function " +
                             "(`lambdaFunctionName`, default the name) and does not deploy code. `code` is stored but never returned.")
            .Accepts<FunctionRequest>("application/json")
            .Produces<FunctionDetailsResponse>();
        functions.MapGet("/{name}", GetFunction)
            .RequirePermission(Permissions.ViewTaskFunctionDetails)
            .WithSummary("A function's details")
            .Produces<FunctionDetailsResponse>();
        functions.MapPut("/{name}", UpdateFunction)
            .RequirePermission(Permissions.UpdateTaskFunction)
            .WithSummary("Update a function")
            .WithDescription("Partial: only the given fields change, unknown fields are ignored, null resets a field to its default. " +
                             "`executionOptions` and `retryPolicy` are replaced as a whole. The name cannot change.")
            .Accepts<FunctionRequest>("application/json")
            .Produces<AffectedRecordsResponse>();
        functions.MapDelete("/{name}", DeleteFunction)
            .RequirePermission(Permissions.DeleteTaskFunction)
            .WithSummary("Delete a function")
            .WithDescription("Its tasks and their logs are kept.")
            .Produces<AffectedRecordsResponse>();
        functions.MapMethods("/{name}/enable", [HttpMethods.Post, HttpMethods.Get], EnableFunction)
            .RequirePermission(Permissions.UpdateTaskFunction)
            .WithSummary("Enable a function")
            .WithDescription("POST (SDK) or GET (EXH changelog 1.2.0). affectedRecords is 0 when it was already enabled.")
            .Produces<AffectedRecordsResponse>();
        functions.MapMethods("/{name}/disable", [HttpMethods.Post, HttpMethods.Get], DisableFunction)
            .RequirePermission(Permissions.UpdateTaskFunction)
            .WithSummary("Disable a function")
            .WithDescription("Its tasks are no longer run. affectedRecords is 0 when it was already disabled.")
            .Produces<AffectedRecordsResponse>();
        app.MapExecuteFunctionEndpoint();
        return app;
    }

    private static async Task<IResult> ListFunctions(FunctionService functions, CancellationToken cancellationToken)
    {
        var all = await functions.ListAsync(cancellationToken);
        var data = all.Select(FunctionSummaryResponse.From).ToList();
        return TypedResults.Json(new PagedResult<FunctionSummaryResponse>(new PageInfo(data.Count, 0, data.Count), data), ApiJson.Options);
    }

    private static async Task<IResult> CreateFunction(HttpRequest request, FunctionService functions, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadObjectAsync(request, maxBytes: MaxBodyBytes);
        var definition = FunctionBody.Apply(new FunctionDefinition { Name = "" }, body);
        var function = await functions.CreateAsync(definition, cancellationToken);
        return TypedResults.Json(FunctionDetailsResponse.From(function), ApiJson.Options);
    }

    private static async Task<IResult> GetFunction(string name, FunctionService functions, CancellationToken cancellationToken)
    {
        var function = await functions.GetAsync(name, cancellationToken);
        return TypedResults.Json(FunctionDetailsResponse.From(function), ApiJson.Options);
    }

    private static async Task<IResult> UpdateFunction(string name, HttpRequest request, FunctionService functions, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadObjectAsync(request, maxBytes: MaxBodyBytes);
        var affected = await functions.UpdateAsync(name, current => FunctionBody.Apply(current, body), cancellationToken);
        return TypedResults.Json(new AffectedRecordsResponse(affected), ApiJson.Options);
    }

    private static async Task<IResult> DeleteFunction(string name, FunctionService functions, CancellationToken cancellationToken)
    {
        var affected = await functions.DeleteAsync(name, cancellationToken);
        return TypedResults.Json(new AffectedRecordsResponse(affected), ApiJson.Options);
    }

    private static async Task<IResult> EnableFunction(string name, FunctionService functions, CancellationToken cancellationToken) =>
        TypedResults.Json(new AffectedRecordsResponse(await functions.SetEnabledAsync(name, true, cancellationToken)), ApiJson.Options);

    private static async Task<IResult> DisableFunction(string name, FunctionService functions, CancellationToken cancellationToken) =>
        TypedResults.Json(new AffectedRecordsResponse(await functions.SetEnabledAsync(name, false, cancellationToken)), ApiJson.Options);
}
