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

    /// <summary>
    /// The names of the fields that differ between two definitions (camelCase, as the API names them), for the audit
    /// trail: values are left out, since environment variables and code may hold secrets.
    /// </summary>
    public static IReadOnlyList<string> ChangedFields(FunctionDefinition before, FunctionDefinition after)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        var old = JsonSerializer.SerializeToElement(before, options);
        var now = JsonSerializer.SerializeToElement(after, options);
        return now.EnumerateObject()
            .Where(field => !old.TryGetProperty(field.Name, out var was) || was.GetRawText() != field.Value.GetRawText())
            .Select(field => field.Name)
            .ToList();
    }

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

    /// <summary>
    /// Lambda's pattern lets a name hold dots, so on its own it takes <c>.</c> and <c>..</c>; the name goes into the
    /// Invoke URL's path, where those are dot segments that would address another resource than a function.
    /// </summary>
    private static bool IsLambdaFunctionName(string lambdaFunctionName) =>
        LambdaFunctionNamePattern().Match(lambdaFunctionName) is { Success: true } match
        && match.Groups[7].Value.Any(character => character != '.');

    public static void ValidateName(string? name)
    {
        if (NameProblem(name) is { } problem) throw problem.ToException();
    }

    /// <summary>Throws the first problem of <see cref="Problems"/>, as the API reports it.</summary>
    public static void Validate(FunctionDefinition definition)
    {
        if (Problems(definition) is [var first, ..]) throw first.ToException();
    }

    /// <summary>
    /// Every rule the definition breaks, in field order, so a form can show them all at once. Each names its field
    /// by its API name (<c>timeLimit</c>, <c>retryPolicy.retryDelays</c>); a retry delay also carries its index.
    /// </summary>
    public static IReadOnlyList<FunctionProblem> Problems(FunctionDefinition definition)
    {
        var problems = new List<FunctionProblem>();
        void Add(string field, string message, ErrorCode? code = null, int? index = null) =>
            problems.Add(new FunctionProblem(field, message, code ?? ErrorCode.FieldFormat, index));

        if (NameProblem(definition.Name) is { } name) problems.Add(name);
        MaxLength(Add, "description", definition.Description, FunctionDefaults.MaxDescriptionLength);

        if (!string.IsNullOrEmpty(definition.LambdaFunctionName)
            && (definition.LambdaFunctionName.Length > FunctionDefaults.MaxLambdaFunctionNameLength
                || !IsLambdaFunctionName(definition.LambdaFunctionName)))
        {
            Add("lambdaFunctionName", "Field 'lambdaFunctionName' must be a Lambda function name, 'name:alias' or a function ARN.");
        }
        if (!string.IsNullOrEmpty(definition.Qualifier)
            && (definition.Qualifier.Length > FunctionDefaults.MaxQualifierLength || !QualifierPattern().IsMatch(definition.Qualifier)))
        {
            Add("qualifier", "Field 'qualifier' must be a Lambda version or alias (letters, digits, '$', '-', '_').");
        }

        if (definition.Code is not null && (definition.Code.Length == 0 || !Base64.IsValid(definition.Code)))
        {
            Add("code", "Field 'code' must be the base64 encoding of a zip file.", ErrorCode.InvalidFunctionCode);
        }
        NonEmpty(Add, "entryPoint", definition.EntryPoint, FunctionDefaults.MaxEntryPointLength);
        NonEmpty(Add, "runtime", definition.Runtime, FunctionDefaults.MaxRuntimeLength);

        Range(Add, "timeLimit", definition.TimeLimitSeconds, FunctionDefaults.MinTimeLimitSeconds, FunctionDefaults.MaxTimeLimitSeconds);
        Range(Add, "memoryLimit", definition.MemoryLimitMb, FunctionDefaults.MinMemoryLimitMb, FunctionDefaults.MaxMemoryLimitMb);
        if (EnvironmentProblem(definition.EnvironmentVariables) is { } environment) Add("environmentVariables", environment);

        if (!FunctionPermissionModes.IsValid(definition.PermissionMode))
        {
            Add("executionOptions.permissionMode",
                $"Field 'executionOptions.permissionMode' must be '{FunctionPermissionModes.PermissionRequired}', " +
                $"'{FunctionPermissionModes.AllUsers}' or '{FunctionPermissionModes.Public}'.");
        }
        Range(Add, "executionOptions.defaultPriority", definition.DefaultPriority, TaskLimits.MinPriority, TaskLimits.MaxPriority);

        if (definition.ErrorsToRetry.Count > FunctionDefaults.MaxErrorsToRetry)
        {
            Add("retryPolicy.errorsToRetry", $"Field 'retryPolicy.errorsToRetry' may hold at most {FunctionDefaults.MaxErrorsToRetry} names.");
        }
        else if (definition.ErrorsToRetry.Any(e => e.Length is 0 or > FunctionDefaults.MaxErrorNameLength))
        {
            Add("retryPolicy.errorsToRetry",
                $"Each entry of 'retryPolicy.errorsToRetry' must be 1 to {FunctionDefaults.MaxErrorNameLength} characters long.");
        }
        if (definition.RetryDelaysSeconds.Count is 0 or > FunctionDefaults.MaxRetries)
        {
            Add("retryPolicy.retryDelays", $"Field 'retryPolicy.retryDelays' must hold 1 to {FunctionDefaults.MaxRetries} delays (one per retry).");
        }
        for (var i = 0; i < definition.RetryDelaysSeconds.Count; i++)
        {
            if (definition.RetryDelaysSeconds[i] is < 0 or > FunctionDefaults.MaxRetryDelaySeconds)
            {
                Add("retryPolicy.retryDelays", $"Each entry of 'retryPolicy.retryDelays' must be 0 to {FunctionDefaults.MaxRetryDelaySeconds} seconds.", index: i);
            }
        }

        if (definition.ConcurrencyLimit is { } limit)
        {
            Range(Add, "concurrencyLimit", limit, 1, FunctionDefaults.MaxConcurrencyLimit);
        }
        return problems;
    }

    private static FunctionProblem? NameProblem(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return new FunctionProblem("name", "Field 'name' is required.", ErrorCode.MissingRequiredFields);
        }
        if (!TaskLimits.IsValidFunctionName(name))
        {
            return new FunctionProblem("name",
                $"Invalid function name '{Shorten(name)}': use 1 to {TaskLimits.MaxFunctionNameLength} letters, digits, '-' or '_'.",
                ErrorCode.InvalidFunctionName);
        }
        return null;
    }

    private static string? EnvironmentProblem(IReadOnlyDictionary<string, string>? variables)
    {
        if (variables is null) return null;
        var bytes = 0;
        foreach (var (name, value) in variables)
        {
            if (!EnvironmentNamePattern().IsMatch(name))
            {
                return $"Environment variable name '{Shorten(name)}' must start with a letter and hold only letters, digits and '_'.";
            }
            bytes += Encoding.UTF8.GetByteCount(name) + Encoding.UTF8.GetByteCount(value);
        }
        return bytes > FunctionDefaults.MaxEnvironmentBytes
            ? $"Field 'environmentVariables' holds more than {FunctionDefaults.MaxEnvironmentBytes / 1024} KB (names plus values)."
            : null;
    }

    private delegate void Report(string field, string message, ErrorCode? code = null, int? index = null);

    private static void MaxLength(Report add, string field, string? value, int max)
    {
        if (value is not null && value.Length > max) add(field, $"Field '{field}' is longer than {max} characters.");
    }

    private static void NonEmpty(Report add, string field, string? value, int max)
    {
        if (value is null) return;
        if (value.Length == 0) add(field, $"Field '{field}' must not be empty.");
        else MaxLength(add, field, value, max);
    }

    private static void Range(Report add, string field, long value, long min, long max)
    {
        if (value < min || value > max) add(field, $"Field '{field}' must be between {min} and {max}.");
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";
}

/// <summary>One rule a function definition breaks: the API field it is about, the API's message and error code.</summary>
/// <param name="Index">For a list field (<c>retryPolicy.retryDelays</c>), the entry at fault; null for the field as a whole.</param>
public sealed record FunctionProblem(string Field, string Message, ErrorCode Code, int? Index = null)
{
    public ServiceException ToException() => new(Code, Message);
}

/// <summary>Environment variables in their EXH wire shape <c>{"NAME":{"value":"..."}}</c>, the form they are stored in.</summary>
public static class FunctionEnvironment
{
    public static string? ToJson(IReadOnlyDictionary<string, string>? variables) =>
        variables is null ? null : Write(variables, (writer, value) => writer.WriteString("value", value));

    /// <summary>The stored JSON with each value replaced by whether it is set: <c>{"NAME":{"set":true}}</c>.</summary>
    public static string MaskJson(string json) =>
        Write(Parse(json) ?? new Dictionary<string, string>(), (writer, value) => writer.WriteBoolean("set", value.Length > 0));

    /// <summary><c>{"NAME":{…}}</c> with one object per variable, its content written by <paramref name="writeEntry"/>.</summary>
    private static string Write(IReadOnlyDictionary<string, string> variables, Action<Utf8JsonWriter, string> writeEntry)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in variables)
            {
                writer.WriteStartObject(name);
                writeEntry(writer, value);
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
