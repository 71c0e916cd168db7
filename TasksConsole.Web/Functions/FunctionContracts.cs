using System.Text.Json;
using System.Text.Json.Serialization;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Common;
using TasksConsole.Core.Functions;
using TasksConsole.Web.Api;

namespace TasksConsole.Web.Functions;

/// <summary>
/// EXH <c>FunctionDetails</c>: every field except <c>code</c>, which is write-only. Beyond EXH:
/// <c>lambdaFunctionName</c>, <c>qualifier</c>, <c>concurrencyLimit</c>, <c>retryPolicy.retryDelays</c> and
/// <c>creationTimestamp</c>. Environment variables keep their values only for a caller allowed to read them
/// (<see cref="Permissions.ViewTaskFunctionSecrets"/>); anyone else gets <c>{"NAME": {"set": true|false}}</c>.
/// </summary>
public sealed record FunctionDetailsResponse(
    string Name,
    string? Description,
    string? EntryPoint,
    string? Runtime,
    int TimeLimit,
    int MemoryLimit,
    RawJson? EnvironmentVariables,
    ExecutionOptionsDto ExecutionOptions,
    RetryPolicyResponse RetryPolicy,
    bool Enabled,
    string LambdaFunctionName,
    string? Qualifier,
    int? ConcurrencyLimit,
    DateTimeOffset CreationTimestamp,
    DateTimeOffset UpdateTimestamp)
{
    public static FunctionDetailsResponse From(FunctionRecord function, bool revealEnvironment) => new(
        function.Name,
        function.Description,
        function.EntryPoint,
        function.Runtime,
        function.TimeLimitSeconds,
        function.MemoryLimitMb,
        // Stored in the wire shape; passed through so variable names come back exactly as given.
        function.EnvironmentVariablesJson is not { } json ? null : new RawJson(revealEnvironment ? json : FunctionEnvironment.MaskJson(json)),
        new ExecutionOptionsDto(function.PermissionMode, function.DefaultPriority),
        new RetryPolicyResponse(
            function.RetryEnabled,
            function.ErrorsToRetry.Count > 0 ? function.ErrorsToRetry : null,
            function.RetryDelaysSeconds),
        function.Enabled,
        function.LambdaFunctionName,
        function.Qualifier,
        function.ConcurrencyLimit,
        function.CreationTimestamp,
        function.UpdateTimestamp);
}

public sealed record ExecutionOptionsDto(string? PermissionMode, long? DefaultPriority);

/// <summary><c>errorsToRetry</c> is left out when every error is retried (an empty list would read as "none").</summary>
public sealed record RetryPolicyResponse(bool Enabled, IReadOnlyList<string>? ErrorsToRetry, IReadOnlyList<int> RetryDelays);

/// <summary>
/// EXH <c>FunctionBase</c> plus <c>enabled</c> and <c>creationTimestamp</c>. Deliberately not the details: the
/// list needs only VIEW_TASK_FUNCTIONS, and the details (environment variables) need VIEW_TASK_FUNCTION_DETAILS.
/// </summary>
public sealed record FunctionSummaryResponse(
    string Name,
    string? Description,
    bool Enabled,
    DateTimeOffset CreationTimestamp,
    DateTimeOffset UpdateTimestamp)
{
    public static FunctionSummaryResponse From(FunctionRecord function) =>
        new(function.Name, function.Description, function.Enabled, function.CreationTimestamp, function.UpdateTimestamp);
}

/// <summary>
/// The body of <c>POST /tasks/v1/functions/</c> and <c>PUT /tasks/v1/functions/{name}</c>: EXH <c>FunctionCreation</c>
/// plus <c>lambdaFunctionName</c>, <c>qualifier</c>, <c>concurrencyLimit</c> and <c>retryPolicy.retryDelays</c>.
/// <c>name</c> is required on create. Unknown fields are ignored (EXH).
/// </summary>
public sealed record FunctionRequest : IJsonRequest<FunctionRequest>
{
    /// <summary>A body may carry the function's zip as base64; EXH's gateway takes 10 MB.</summary>
    public static int MaxBytes => 10 * 1024 * 1024;

    public string? Name { get; init; }
    public string? Description { get; init; }
    public string? Code { get; init; }
    public string? EntryPoint { get; init; }
    public string? Runtime { get; init; }
    public int? TimeLimit { get; init; }
    public int? MemoryLimit { get; init; }
    public IReadOnlyDictionary<string, EnvironmentVariableDto>? EnvironmentVariables { get; init; }
    public ExecutionOptionsDto? ExecutionOptions { get; init; }
    public RetryPolicyRequest? RetryPolicy { get; init; }
    public string? LambdaFunctionName { get; init; }
    public string? Qualifier { get; init; }
    public int? ConcurrencyLimit { get; init; }

    /// <summary>
    /// The fields the body named, null or not. An update changes only those, so an absent field and a null one
    /// (which returns the field to its default) differ; not part of the wire shape.
    /// </summary>
    [JsonIgnore]
    public IReadOnlySet<string> Given { get; init; } = new HashSet<string>();

    public static FunctionRequest Read(JsonElement body)
    {
        // Long enough to reach the service, which reports a bad name as INVALID_FUNCTION_NAME rather than a format error.
        const int lenient = 64 * 1024;

        // Initialisers run in the order written: the first wrong field is the one reported.
        return new FunctionRequest
        {
            Name = JsonBody.OptionalString(body, "name", lenient),
            Description = JsonBody.OptionalString(body, "description", lenient),
            LambdaFunctionName = JsonBody.OptionalString(body, "lambdaFunctionName", lenient),
            Qualifier = JsonBody.OptionalString(body, "qualifier", lenient),
            Code = JsonBody.OptionalString(body, "code", int.MaxValue),
            EntryPoint = JsonBody.OptionalString(body, "entryPoint", lenient),
            Runtime = JsonBody.OptionalString(body, "runtime", lenient),
            TimeLimit = (int?)JsonBody.OptionalInteger(body, "timeLimit", FunctionDefaults.MinTimeLimitSeconds, FunctionDefaults.MaxTimeLimitSeconds),
            MemoryLimit = (int?)JsonBody.OptionalInteger(body, "memoryLimit", FunctionDefaults.MinMemoryLimitMb, FunctionDefaults.MaxMemoryLimitMb),
            EnvironmentVariables = ReadEnvironment(body),
            ExecutionOptions = ReadExecutionOptions(body),
            RetryPolicy = RetryPolicyRequest.Read(body),
            ConcurrencyLimit = (int?)JsonBody.OptionalInteger(body, "concurrencyLimit", 1, FunctionDefaults.MaxConcurrencyLimit),
            Given = body.EnumerateObject().Select(property => property.Name).ToHashSet(StringComparer.Ordinal),
        };
    }

    /// <summary>
    /// The definition with the given fields applied; the others keep their value. A field given as null returns to
    /// its default; <c>executionOptions</c> and <c>retryPolicy</c> are replaced as a whole.
    /// </summary>
    public FunctionDefinition ApplyTo(FunctionDefinition definition)
    {
        // A null name is no name: required on create (MISSING_REQUIRED_FIELDS), left alone on update.
        if (Name is not null) definition = definition with { Name = Name };
        if (Given.Contains("description")) definition = definition with { Description = Description };
        if (Given.Contains("lambdaFunctionName")) definition = definition with { LambdaFunctionName = LambdaFunctionName };
        if (Given.Contains("qualifier")) definition = definition with { Qualifier = Qualifier };
        if (Given.Contains("code")) definition = definition with { Code = Code };
        if (Given.Contains("entryPoint")) definition = definition with { EntryPoint = EntryPoint };
        if (Given.Contains("runtime")) definition = definition with { Runtime = Runtime };
        if (Given.Contains("timeLimit")) definition = definition with { TimeLimitSeconds = TimeLimit ?? FunctionDefaults.TimeLimitSeconds };
        if (Given.Contains("memoryLimit")) definition = definition with { MemoryLimitMb = MemoryLimit ?? FunctionDefaults.MemoryLimitMb };
        if (Given.Contains("environmentVariables"))
        {
            var stored = definition.EnvironmentVariables;
            definition = definition with
            {
                EnvironmentVariables = EnvironmentVariables?.ToDictionary(
                    variable => variable.Key,
                    variable => variable.Value.Value ?? StoredValue(stored, variable.Key),
                    StringComparer.Ordinal),
            };
        }
        if (Given.Contains("executionOptions"))
        {
            definition = definition with
            {
                PermissionMode = ExecutionOptions?.PermissionMode ?? FunctionPermissionModes.PermissionRequired,
                DefaultPriority = ExecutionOptions?.DefaultPriority ?? 0,
            };
        }
        if (Given.Contains("retryPolicy"))
        {
            definition = definition with
            {
                RetryEnabled = RetryPolicy?.Enabled ?? false,
                ErrorsToRetry = RetryPolicy?.ErrorsToRetry ?? [],
                RetryDelaysSeconds = RetryPolicy?.RetryDelays ?? FunctionDefaults.RetryDelaysSeconds,
            };
        }
        if (Given.Contains("concurrencyLimit")) definition = definition with { ConcurrencyLimit = ConcurrencyLimit };
        return definition;
    }

    private static string StoredValue(IReadOnlyDictionary<string, string>? stored, string name) =>
        stored is not null && stored.TryGetValue(name, out var value)
            ? value
            : throw new ServiceException(ErrorCode.FieldFormat,
                $"Environment variable '{name}' has no value, and none is stored under that name to keep.");

    private static Dictionary<string, EnvironmentVariableDto>? ReadEnvironment(JsonElement body)
    {
        if (!body.TryGetProperty("environmentVariables", out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw JsonBody.FieldFormat("environmentVariables", "an object of {\"NAME\": {\"value\": \"...\"}}", value);
        }
        var variables = new Dictionary<string, EnvironmentVariableDto>(StringComparer.Ordinal);
        foreach (var variable in value.EnumerateObject())
        {
            // Without "value" the stored value is kept: callers who may not read values can still rewrite the set.
            if (variable.Value.ValueKind != JsonValueKind.Object
                || variable.Value.TryGetProperty("value", out var text) && text.ValueKind != JsonValueKind.String)
            {
                throw new ServiceException(ErrorCode.FieldFormat,
                    $"Environment variable '{variable.Name}' must be an object {{\"value\": \"...\"}} with a string value.");
            }
            variables[variable.Name] = new EnvironmentVariableDto(variable.Value.TryGetProperty("value", out var given) ? given.GetString() : null);
        }
        return variables;
    }

    private static ExecutionOptionsDto? ReadExecutionOptions(JsonElement body)
    {
        if (!body.TryGetProperty("executionOptions", out var options) || options.ValueKind == JsonValueKind.Null) return null;
        if (options.ValueKind != JsonValueKind.Object) throw JsonBody.FieldFormat("executionOptions", "an object", options);
        return new ExecutionOptionsDto(JsonBody.OptionalString(options, "permissionMode"), JsonBody.OptionalInteger(options, "defaultPriority"));
    }
}

/// <summary>A variable as given; a null value keeps the one stored under that name.</summary>
public sealed record EnvironmentVariableDto(string? Value);

/// <summary>A function's retry policy as given; <c>enabled</c> is required when the policy is.</summary>
public sealed record RetryPolicyRequest
{
    public required bool Enabled { get; init; }
    public IReadOnlyList<string>? ErrorsToRetry { get; init; }
    public IReadOnlyList<int>? RetryDelays { get; init; }

    /// <summary>The <c>retryPolicy</c> field of a function body; null when absent or null.</summary>
    public static RetryPolicyRequest? Read(JsonElement body)
    {
        if (!body.TryGetProperty("retryPolicy", out var policy) || policy.ValueKind == JsonValueKind.Null) return null;
        if (policy.ValueKind != JsonValueKind.Object) throw JsonBody.FieldFormat("retryPolicy", "an object", policy);
        return new RetryPolicyRequest
        {
            Enabled = JsonBody.OptionalBoolean(policy, "enabled")
                ?? throw new ServiceException(ErrorCode.MissingRequiredFields, "Field 'retryPolicy.enabled' is required."),
            ErrorsToRetry = JsonBody.OptionalStringArray(policy, "errorsToRetry", FunctionDefaults.MaxErrorsToRetry, FunctionDefaults.MaxErrorNameLength),
            RetryDelays = ReadDelays(policy),
        };
    }

    private static IReadOnlyList<int>? ReadDelays(JsonElement policy)
    {
        if (!policy.TryGetProperty("retryDelays", out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.Array) throw JsonBody.FieldFormat("retryPolicy.retryDelays", "an array of seconds", value);
        var delays = new List<int>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out var seconds))
            {
                throw JsonBody.FieldFormat("retryPolicy.retryDelays", "an array of whole seconds", item);
            }
            delays.Add(seconds);
        }
        return delays;
    }
}

/// <summary>The body of <c>POST /tasks/v1/functions/{name}/execute</c>: optional, as is its <c>data</c>.</summary>
public sealed record ExecuteFunctionRequest : IJsonRequest<ExecuteFunctionRequest>
{
    /// <summary>EXH 1.4.0 accepts <c>{}</c> and an empty body.</summary>
    public static bool AllowEmpty => true;

    public JsonElement? Data { get; init; }

    public static ExecuteFunctionRequest Read(JsonElement body) => new() { Data = JsonBody.OptionalObject(body, "data") };
}
