using System.Text.Json;
using TasksConsole.Core.Common;
using TasksConsole.Core.Functions;
using TasksConsole.Web.Api;

namespace TasksConsole.Web.Functions;

/// <summary>
/// EXH <c>FunctionDetails</c>: every field except <c>code</c>, which is write-only. Beyond EXH:
/// <c>lambdaFunctionName</c>, <c>qualifier</c>, <c>concurrencyLimit</c>, <c>retryPolicy.retryDelays</c> and
/// <c>creationTimestamp</c>.
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
    public static FunctionDetailsResponse From(FunctionRecord function) => new(
        function.Name,
        function.Description,
        function.EntryPoint,
        function.Runtime,
        function.TimeLimitSeconds,
        function.MemoryLimitMb,
        // Stored in the wire shape; passed through so variable names come back exactly as given.
        function.EnvironmentVariablesJson is { } json ? new RawJson(json) : null,
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

/// <summary>The create and update body, for the OpenAPI document (the handlers read the JSON themselves to report EXH error codes).</summary>
public sealed record FunctionRequest(
    string Name,
    string? Description,
    string? Code,
    string? EntryPoint,
    string? Runtime,
    int? TimeLimit,
    int? MemoryLimit,
    Dictionary<string, EnvironmentVariableDto>? EnvironmentVariables,
    ExecutionOptionsDto? ExecutionOptions,
    RetryPolicyRequest? RetryPolicy,
    string? LambdaFunctionName,
    string? Qualifier,
    int? ConcurrencyLimit);

public sealed record EnvironmentVariableDto(string Value);

public sealed record RetryPolicyRequest(bool Enabled, IReadOnlyList<string>? ErrorsToRetry, IReadOnlyList<int>? RetryDelays);

/// <summary>Reads a create or update body onto a <see cref="FunctionDefinition"/>.</summary>
internal static class FunctionBody
{
    /// <summary>
    /// Applies the fields present in <paramref name="body"/>; absent fields keep their value and unknown fields
    /// are ignored (EXH). A field given as null returns to its default. <c>executionOptions</c> and
    /// <c>retryPolicy</c> are replaced as a whole when given.
    /// </summary>
    public static FunctionDefinition Apply(FunctionDefinition definition, JsonElement body)
    {
        // Long enough to reach the service, which reports a bad name as INVALID_FUNCTION_NAME rather than a format error.
        const int lenient = 64 * 1024;

        // A null name is no name: required on create (MISSING_REQUIRED_FIELDS), left alone on update.
        if (JsonBody.OptionalString(body, "name", lenient) is { } name) definition = definition with { Name = name };
        if (Has(body, "description")) definition = definition with { Description = JsonBody.OptionalString(body, "description", lenient) };
        if (Has(body, "lambdaFunctionName")) definition = definition with { LambdaFunctionName = JsonBody.OptionalString(body, "lambdaFunctionName", lenient) };
        if (Has(body, "qualifier")) definition = definition with { Qualifier = JsonBody.OptionalString(body, "qualifier", lenient) };
        if (Has(body, "code")) definition = definition with { Code = JsonBody.OptionalString(body, "code", int.MaxValue) };
        if (Has(body, "entryPoint")) definition = definition with { EntryPoint = JsonBody.OptionalString(body, "entryPoint", lenient) };
        if (Has(body, "runtime")) definition = definition with { Runtime = JsonBody.OptionalString(body, "runtime", lenient) };
        if (Has(body, "timeLimit"))
        {
            definition = definition with
            {
                TimeLimitSeconds = (int?)JsonBody.OptionalInteger(body, "timeLimit", FunctionDefaults.MinTimeLimitSeconds, FunctionDefaults.MaxTimeLimitSeconds)
                    ?? FunctionDefaults.TimeLimitSeconds,
            };
        }
        if (Has(body, "memoryLimit"))
        {
            definition = definition with
            {
                MemoryLimitMb = (int?)JsonBody.OptionalInteger(body, "memoryLimit", FunctionDefaults.MinMemoryLimitMb, FunctionDefaults.MaxMemoryLimitMb)
                    ?? FunctionDefaults.MemoryLimitMb,
            };
        }
        if (Has(body, "environmentVariables")) definition = definition with { EnvironmentVariables = ReadEnvironment(body) };
        if (Has(body, "executionOptions")) definition = ApplyExecutionOptions(definition, body);
        if (Has(body, "retryPolicy")) definition = ApplyRetryPolicy(definition, body);
        if (Has(body, "concurrencyLimit"))
        {
            definition = definition with
            {
                ConcurrencyLimit = (int?)JsonBody.OptionalInteger(body, "concurrencyLimit", 1, FunctionDefaults.MaxConcurrencyLimit),
            };
        }
        return definition;
    }

    private static bool Has(JsonElement body, string name) => body.TryGetProperty(name, out _);

    private static IReadOnlyDictionary<string, string>? ReadEnvironment(JsonElement body)
    {
        var value = body.GetProperty("environmentVariables");
        if (value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw JsonBody.FieldFormat("environmentVariables", "an object of {\"NAME\": {\"value\": \"...\"}}", value);
        }
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var variable in value.EnumerateObject())
        {
            if (variable.Value.ValueKind != JsonValueKind.Object
                || !variable.Value.TryGetProperty("value", out var text)
                || text.ValueKind != JsonValueKind.String)
            {
                throw new ServiceException(ErrorCode.FieldFormat,
                    $"Environment variable '{variable.Name}' must be an object {{\"value\": \"...\"}} with a string value.");
            }
            variables[variable.Name] = text.GetString()!;
        }
        return variables;
    }

    private static FunctionDefinition ApplyExecutionOptions(FunctionDefinition definition, JsonElement body)
    {
        var options = body.GetProperty("executionOptions");
        if (options.ValueKind == JsonValueKind.Null)
        {
            return definition with { PermissionMode = FunctionPermissionModes.PermissionRequired, DefaultPriority = 0 };
        }
        if (options.ValueKind != JsonValueKind.Object) throw JsonBody.FieldFormat("executionOptions", "an object", options);
        return definition with
        {
            PermissionMode = JsonBody.OptionalString(options, "permissionMode") ?? FunctionPermissionModes.PermissionRequired,
            DefaultPriority = JsonBody.OptionalInteger(options, "defaultPriority") ?? 0,
        };
    }

    private static FunctionDefinition ApplyRetryPolicy(FunctionDefinition definition, JsonElement body)
    {
        var policy = body.GetProperty("retryPolicy");
        if (policy.ValueKind == JsonValueKind.Null)
        {
            return definition with { RetryEnabled = false, ErrorsToRetry = [], RetryDelaysSeconds = FunctionDefaults.RetryDelaysSeconds };
        }
        if (policy.ValueKind != JsonValueKind.Object) throw JsonBody.FieldFormat("retryPolicy", "an object", policy);
        var enabled = JsonBody.OptionalBoolean(policy, "enabled")
            ?? throw new ServiceException(ErrorCode.MissingRequiredFields, "Field 'retryPolicy.enabled' is required.");
        return definition with
        {
            RetryEnabled = enabled,
            ErrorsToRetry = JsonBody.OptionalStringArray(policy, "errorsToRetry", FunctionDefaults.MaxErrorsToRetry, FunctionDefaults.MaxErrorNameLength) ?? [],
            RetryDelaysSeconds = ReadDelays(policy) ?? FunctionDefaults.RetryDelaysSeconds,
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
