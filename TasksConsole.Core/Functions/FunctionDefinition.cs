using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using TasksConsole.Core.Common;
using TasksConsole.Core.Tasks;

namespace TasksConsole.Core.Functions;

/// <summary>
/// Everything a caller can set on a function, complete (defaults filled in). Creating takes one; updating edits
/// the current one with <c>with</c>, so a partial update is "change these fields" and the result is validated as
/// a whole, exactly like a create.
/// </summary>
public sealed record FunctionDefinition
{
    public required string Name { get; init; }
    public string? Description { get; init; }

    /// <summary>The Lambda function to invoke (name, <c>name:alias</c> or ARN); null means <see cref="Name"/>.</summary>
    public string? LambdaFunctionName { get; init; }
    public string? Qualifier { get; init; }

    /// <summary>Base64 of a zip, as EXH takes it; stored, never returned, never deployed.</summary>
    public string? Code { get; init; }
    public string? EntryPoint { get; init; }
    public string? Runtime { get; init; }

    public int TimeLimitSeconds { get; init; } = FunctionDefaults.TimeLimitSeconds;
    public int MemoryLimitMb { get; init; } = FunctionDefaults.MemoryLimitMb;

    /// <summary>Name to value; the order is kept, so the API returns the variables as they were given.</summary>
    public IReadOnlyDictionary<string, string>? EnvironmentVariables { get; init; }

    public string PermissionMode { get; init; } = FunctionPermissionModes.PermissionRequired;
    public long DefaultPriority { get; init; }

    public bool RetryEnabled { get; init; }

    /// <summary>Error names that are retried; empty means every error.</summary>
    public IReadOnlyList<string> ErrorsToRetry { get; init; } = [];
    public IReadOnlyList<int> RetryDelaysSeconds { get; init; } = FunctionDefaults.RetryDelaysSeconds;

    public int? ConcurrencyLimit { get; init; }

    public static FunctionDefinition From(FunctionRecord record) => new()
    {
        Name = record.Name,
        Description = record.Description,
        LambdaFunctionName = record.LambdaFunctionName,
        Qualifier = record.Qualifier,
        Code = record.CodeBase64,
        EntryPoint = record.EntryPoint,
        Runtime = record.Runtime,
        TimeLimitSeconds = record.TimeLimitSeconds,
        MemoryLimitMb = record.MemoryLimitMb,
        EnvironmentVariables = FunctionEnvironment.Parse(record.EnvironmentVariablesJson),
        PermissionMode = record.PermissionMode,
        DefaultPriority = record.DefaultPriority,
        RetryEnabled = record.RetryEnabled,
        ErrorsToRetry = [.. record.ErrorsToRetry],
        RetryDelaysSeconds = [.. record.RetryDelaysSeconds],
        ConcurrencyLimit = record.ConcurrencyLimit,
    };

    /// <summary>Copies the definition onto <paramref name="record"/> (everything but the name and timestamps).</summary>
    internal void ApplyTo(FunctionRecord record)
    {
        record.Description = Description;
        record.LambdaFunctionName = string.IsNullOrEmpty(LambdaFunctionName) ? Name : LambdaFunctionName;
        record.Qualifier = string.IsNullOrEmpty(Qualifier) ? null : Qualifier;
        record.CodeBase64 = Code;
        record.EntryPoint = EntryPoint;
        record.Runtime = Runtime;
        record.TimeLimitSeconds = TimeLimitSeconds;
        record.MemoryLimitMb = MemoryLimitMb;
        record.EnvironmentVariablesJson = FunctionEnvironment.ToJson(EnvironmentVariables);
        record.PermissionMode = PermissionMode;
        record.DefaultPriority = DefaultPriority;
        record.RetryEnabled = RetryEnabled;
        record.ErrorsToRetry = [.. ErrorsToRetry];
        record.RetryDelaysSeconds = [.. RetryDelaysSeconds];
        record.ConcurrencyLimit = ConcurrencyLimit;
    }
}

/// <summary>The rules a <see cref="FunctionDefinition"/> must meet; each failure is a <see cref="ServiceException"/>.</summary>
public static partial class FunctionValidation
{
    /// <summary>AWS's pattern for Invoke's FunctionName: a name, <c>name:qualifier</c>, a partial or a full ARN.</summary>
    [GeneratedRegex(@"^(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_\.]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?$")]
    private static partial Regex LambdaFunctionNamePattern();

    [GeneratedRegex(@"^[a-zA-Z0-9$_-]+$")]
    private static partial Regex QualifierPattern();

    /// <summary>What Lambda accepts as a variable name (it also needs the value to be a string).</summary>
    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_]*$")]
    private static partial Regex EnvironmentNamePattern();

    public static void ValidateName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new ServiceException(ErrorCode.MissingRequiredFields, "Field 'name' is required.");
        }
        if (!TaskLimits.IsValidFunctionName(name))
        {
            throw new ServiceException(ErrorCode.InvalidFunctionName,
                $"Invalid function name '{Shorten(name)}': use 1 to {TaskLimits.MaxFunctionNameLength} letters, digits, '-' or '_'.");
        }
    }

    public static void Validate(FunctionDefinition definition)
    {
        ValidateName(definition.Name);
        MaxLength("description", definition.Description, FunctionDefaults.MaxDescriptionLength);

        if (!string.IsNullOrEmpty(definition.LambdaFunctionName)
            && (definition.LambdaFunctionName.Length > FunctionDefaults.MaxLambdaFunctionNameLength
                || !LambdaFunctionNamePattern().IsMatch(definition.LambdaFunctionName)))
        {
            throw FieldFormat("Field 'lambdaFunctionName' must be a Lambda function name, 'name:alias' or a function ARN.");
        }
        if (!string.IsNullOrEmpty(definition.Qualifier)
            && (definition.Qualifier.Length > FunctionDefaults.MaxQualifierLength || !QualifierPattern().IsMatch(definition.Qualifier)))
        {
            throw FieldFormat("Field 'qualifier' must be a Lambda version or alias (letters, digits, '$', '-', '_').");
        }

        if (definition.Code is not null && (definition.Code.Length == 0 || !Base64.IsValid(definition.Code)))
        {
            throw new ServiceException(ErrorCode.InvalidFunctionCode, "Field 'code' must be the base64 encoding of a zip file.");
        }
        NonEmpty("entryPoint", definition.EntryPoint, FunctionDefaults.MaxEntryPointLength);
        NonEmpty("runtime", definition.Runtime, FunctionDefaults.MaxRuntimeLength);

        Range("timeLimit", definition.TimeLimitSeconds, FunctionDefaults.MinTimeLimitSeconds, FunctionDefaults.MaxTimeLimitSeconds);
        Range("memoryLimit", definition.MemoryLimitMb, FunctionDefaults.MinMemoryLimitMb, FunctionDefaults.MaxMemoryLimitMb);
        ValidateEnvironment(definition.EnvironmentVariables);

        if (!FunctionPermissionModes.IsValid(definition.PermissionMode))
        {
            throw FieldFormat($"Field 'executionOptions.permissionMode' must be '{FunctionPermissionModes.PermissionRequired}', " +
                              $"'{FunctionPermissionModes.AllUsers}' or '{FunctionPermissionModes.Public}'.");
        }
        Range("executionOptions.defaultPriority", definition.DefaultPriority, TaskLimits.MinPriority, TaskLimits.MaxPriority);

        if (definition.ErrorsToRetry.Count > FunctionDefaults.MaxErrorsToRetry)
        {
            throw FieldFormat($"Field 'retryPolicy.errorsToRetry' may hold at most {FunctionDefaults.MaxErrorsToRetry} names.");
        }
        if (definition.ErrorsToRetry.Any(e => e.Length is 0 or > FunctionDefaults.MaxErrorNameLength))
        {
            throw FieldFormat($"Each entry of 'retryPolicy.errorsToRetry' must be 1 to {FunctionDefaults.MaxErrorNameLength} characters long.");
        }
        if (definition.RetryDelaysSeconds.Count is 0 or > FunctionDefaults.MaxRetries)
        {
            throw FieldFormat($"Field 'retryPolicy.retryDelays' must hold 1 to {FunctionDefaults.MaxRetries} delays (one per retry).");
        }
        if (definition.RetryDelaysSeconds.Any(d => d is < 0 or > FunctionDefaults.MaxRetryDelaySeconds))
        {
            throw FieldFormat($"Each entry of 'retryPolicy.retryDelays' must be 0 to {FunctionDefaults.MaxRetryDelaySeconds} seconds.");
        }

        if (definition.ConcurrencyLimit is { } limit)
        {
            Range("concurrencyLimit", limit, 1, FunctionDefaults.MaxConcurrencyLimit);
        }
    }

    private static void ValidateEnvironment(IReadOnlyDictionary<string, string>? variables)
    {
        if (variables is null) return;
        var bytes = 0;
        foreach (var (name, value) in variables)
        {
            if (!EnvironmentNamePattern().IsMatch(name))
            {
                throw FieldFormat($"Environment variable name '{Shorten(name)}' must start with a letter and hold only letters, digits and '_'.");
            }
            bytes += Encoding.UTF8.GetByteCount(name) + Encoding.UTF8.GetByteCount(value);
        }
        if (bytes > FunctionDefaults.MaxEnvironmentBytes)
        {
            throw FieldFormat($"Field 'environmentVariables' holds more than {FunctionDefaults.MaxEnvironmentBytes / 1024} KB (names plus values).");
        }
    }

    private static void MaxLength(string field, string? value, int max)
    {
        if (value is not null && value.Length > max) throw FieldFormat($"Field '{field}' is longer than {max} characters.");
    }

    private static void NonEmpty(string field, string? value, int max)
    {
        if (value is null) return;
        if (value.Length == 0) throw FieldFormat($"Field '{field}' must not be empty.");
        MaxLength(field, value, max);
    }

    private static void Range(string field, long value, long min, long max)
    {
        if (value < min || value > max) throw FieldFormat($"Field '{field}' must be between {min} and {max}.");
    }

    private static ServiceException FieldFormat(string message) => new(ErrorCode.FieldFormat, message);

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";
}

/// <summary>Environment variables in their EXH wire shape <c>{"NAME":{"value":"..."}}</c>, the form they are stored in.</summary>
public static class FunctionEnvironment
{
    public static string? ToJson(IReadOnlyDictionary<string, string>? variables)
    {
        if (variables is null) return null;
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in variables)
            {
                writer.WriteStartObject(name);
                writer.WriteString("value", value);
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The stored JSON as name to value, in stored order; null when none were set.</summary>
    public static IReadOnlyDictionary<string, string>? Parse(string? json)
    {
        if (string.IsNullOrEmpty(json)) return null;
        using var document = JsonDocument.Parse(json);
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            variables[property.Name] = property.Value.GetProperty("value").GetString() ?? "";
        }
        return variables;
    }
}
