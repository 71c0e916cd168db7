using TasksConsole.Core.Common;
using TasksConsole.Core.Functions;
using TasksConsole.Core.Tasks;

namespace TasksConsole.Web.Functions;

/// <summary>
/// The editable side of a <see cref="FunctionDefinition"/>, in shapes form fields can bind to (rows for lists
/// and maps). It never validates: <see cref="FunctionService"/> does, so the console and the API accept and
/// refuse exactly the same definitions.
/// </summary>
public sealed class FunctionFormModel
{
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public string? LambdaFunctionName { get; set; }
    public string? Qualifier { get; set; }
    public int TimeLimitSeconds { get; set; } = FunctionDefaults.TimeLimitSeconds;
    public int MemoryLimitMb { get; set; } = FunctionDefaults.MemoryLimitMb;
    public long DefaultPriority { get; set; }
    public string PermissionMode { get; set; } = FunctionPermissionModes.PermissionRequired;
    public int? ConcurrencyLimit { get; set; }
    public bool RetryEnabled { get; set; }
    public List<string> ErrorsToRetry { get; set; } = [];
    public List<RetryDelayRow> RetryDelays { get; set; } = FunctionDefaults.RetryDelaysSeconds.Select(s => new RetryDelayRow { Seconds = s }).ToList();
    public List<EnvironmentVariableRow> EnvironmentVariables { get; set; } = [];

    public static FunctionFormModel From(FunctionDefinition definition) => new()
    {
        Name = definition.Name,
        Description = definition.Description,
        LambdaFunctionName = definition.LambdaFunctionName,
        Qualifier = definition.Qualifier,
        TimeLimitSeconds = definition.TimeLimitSeconds,
        MemoryLimitMb = definition.MemoryLimitMb,
        DefaultPriority = definition.DefaultPriority,
        PermissionMode = definition.PermissionMode,
        ConcurrencyLimit = definition.ConcurrencyLimit,
        RetryEnabled = definition.RetryEnabled,
        ErrorsToRetry = [.. definition.ErrorsToRetry],
        RetryDelays = definition.RetryDelaysSeconds.Select(s => new RetryDelayRow { Seconds = s }).ToList(),
        EnvironmentVariables = (definition.EnvironmentVariables ?? new Dictionary<string, string>())
            .Select(v => new EnvironmentVariableRow { Name = v.Key, StoredName = v.Key })
            .ToList(),
    };

    /// <summary>A new function's definition (the name comes from the form).</summary>
    public FunctionDefinition ToDefinition() => ApplyTo(new FunctionDefinition { Name = Name.Trim() });

    /// <summary>
    /// <paramref name="current"/> with the form's fields; what the form does not show (code, entry point, runtime)
    /// is kept. Throws FIELD_FORMAT for a variable given twice, which a dictionary could not hold.
    /// </summary>
    public FunctionDefinition ApplyTo(FunctionDefinition current) => current with
    {
        Description = Blank(Description),
        LambdaFunctionName = Blank(LambdaFunctionName),
        Qualifier = Blank(Qualifier),
        TimeLimitSeconds = TimeLimitSeconds,
        MemoryLimitMb = MemoryLimitMb,
        DefaultPriority = DefaultPriority,
        PermissionMode = PermissionMode,
        ConcurrencyLimit = ConcurrencyLimit,
        RetryEnabled = RetryEnabled,
        ErrorsToRetry = [.. ErrorsToRetry],
        RetryDelaysSeconds = RetryDelays.Select(d => d.Seconds).ToList(),
        EnvironmentVariables = Environment(current.EnvironmentVariables),
    };

    private Dictionary<string, string>? Environment(IReadOnlyDictionary<string, string>? stored)
    {
        // An untouched blank row is the form's "add" affordance, not a variable.
        var rows = EnvironmentVariables.Where(v => !(string.IsNullOrWhiteSpace(v.Name) && string.IsNullOrEmpty(v.Value) && v.StoredName is null)).ToList();
        if (rows.Count == 0) return null;
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var name = row.Name.Trim();
            var value = row.KeepsStoredValue ? stored?.GetValueOrDefault(row.StoredName!) ?? "" : row.Value;
            if (!variables.TryAdd(name, value))
            {
                throw new ServiceException(ErrorCode.FieldFormat, $"Environment variable '{name}' is given twice.");
            }
        }
        return variables;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

public sealed class RetryDelayRow
{
    public int Seconds { get; set; }
}

/// <summary>
/// A variable in the form. Stored values are write-only here: a row loaded from the registry starts with an empty
/// value and keeps the stored one (<see cref="StoredName"/>) unless a new value is typed.
/// </summary>
public sealed class EnvironmentVariableRow
{
    public string Name { get; set; } = "";
    public string Value { get; set; } = "";

    /// <summary>The name the variable is stored under, for a row loaded from the registry; null for a new row.</summary>
    public string? StoredName { get; set; }

    public bool KeepsStoredValue => StoredName is not null && Value.Length == 0;
}

/// <summary>Which form field a <see cref="FunctionService"/> error is about, so it can be shown next to that field.</summary>
public static class FunctionFields
{
    public const string Name = "name";
    public const string Description = "description";
    public const string LambdaFunctionName = "lambdaFunctionName";
    public const string Qualifier = "qualifier";
    public const string TimeLimit = "timeLimit";
    public const string MemoryLimit = "memoryLimit";
    public const string PermissionMode = "executionOptions.permissionMode";
    public const string DefaultPriority = "executionOptions.defaultPriority";
    public const string ConcurrencyLimit = "concurrencyLimit";
    public const string ErrorsToRetry = "retryPolicy.errorsToRetry";
    public const string RetryDelays = "retryPolicy.retryDelays";
    public const string EnvironmentVariables = "environmentVariables";

    /// <summary>The key of one retry delay's field, for an error about that entry alone.</summary>
    public static string RetryDelay(int index) => $"{RetryDelays}[{index}]";

    private static readonly string[] Known =
    [
        Description, LambdaFunctionName, Qualifier, TimeLimit, MemoryLimit, PermissionMode, DefaultPriority,
        ConcurrencyLimit, ErrorsToRetry, RetryDelays, EnvironmentVariables,
    ];

    /// <summary>
    /// The field an error names, or null for one that belongs to the form as a whole. The service's messages quote
    /// the API field name ("Field 'timeLimit' must be ..."), which is also what these keys are.
    /// </summary>
    public static string? Of(ServiceException error)
    {
        if (error.Error == ErrorCode.InvalidFunctionName || error.Error == ErrorCode.ResourceAlreadyExists || error.Message.Contains("'name'", StringComparison.Ordinal)) return Name;
        if (error.Message.StartsWith("Environment variable", StringComparison.Ordinal)) return EnvironmentVariables;
        return Known.FirstOrDefault(field => error.Message.Contains($"'{field}'", StringComparison.Ordinal));
    }
}

/// <summary>
/// A definition's problems (<see cref="FunctionValidation.Problems"/>, the API's rules) in the form's words, keyed by
/// <see cref="FunctionFields"/>, so the form can show every one at once, each at its field.
/// </summary>
public static class FunctionFormErrors
{
    /// <summary>Checks the form as it stands; empty when it can be saved as far as the rules go.</summary>
    public static Dictionary<string, string> Check(FunctionFormModel model, Func<FunctionFormModel, FunctionDefinition> toDefinition)
    {
        FunctionDefinition definition;
        try
        {
            definition = toDefinition(model);
        }
        catch (ServiceException ex)
        {
            // A variable named twice: the only rule the form's rows can break before there is a definition.
            return new Dictionary<string, string> { [FunctionFields.EnvironmentVariables] = ex.Message };
        }
        var errors = new Dictionary<string, string>();
        foreach (var problem in FunctionValidation.Problems(definition))
        {
            var key = problem.Index is { } index ? FunctionFields.RetryDelay(index) : problem.Field;
            errors.TryAdd(key, Wording(problem));
        }
        return errors;
    }

    public static string Wording(FunctionProblem problem) => problem.Field switch
    {
        FunctionFields.Name when problem.Code == ErrorCode.MissingRequiredFields => "A name is required.",
        FunctionFields.Name => $"Use 1 to {TaskLimits.MaxFunctionNameLength} letters, digits, '-' or '_'.",
        FunctionFields.Description => $"At most {FunctionDefaults.MaxDescriptionLength} characters.",
        FunctionFields.LambdaFunctionName => "Give a Lambda function name, name:alias or a function ARN.",
        FunctionFields.Qualifier => "Give a version number or an alias (letters, digits, '$', '-' and '_').",
        FunctionFields.TimeLimit => $"Give {FunctionDefaults.MinTimeLimitSeconds} to {FunctionDefaults.MaxTimeLimitSeconds} seconds.",
        FunctionFields.MemoryLimit => $"Give {FunctionDefaults.MinMemoryLimitMb} to {FunctionDefaults.MaxMemoryLimitMb} MB.",
        FunctionFields.DefaultPriority => $"Give a whole number from {TaskLimits.MinPriority} to {TaskLimits.MaxPriority}.",
        FunctionFields.PermissionMode => "Choose one of the permission modes.",
        FunctionFields.ConcurrencyLimit => $"Give 1 to {FunctionDefaults.MaxConcurrencyLimit}, or leave it empty for no limit.",
        FunctionFields.RetryDelays when problem.Index is not null => $"Give 0 to {FunctionDefaults.MaxRetryDelaySeconds} seconds.",
        FunctionFields.RetryDelays => $"Give 1 to {FunctionDefaults.MaxRetries} delays, one per retry.",
        FunctionFields.ErrorsToRetry => $"At most {FunctionDefaults.MaxErrorsToRetry} names of 1 to {FunctionDefaults.MaxErrorNameLength} characters.",
        FunctionFields.EnvironmentVariables when problem.Message.StartsWith("Environment variable name", StringComparison.Ordinal) =>
            "Each name starts with a letter and holds only letters, digits and '_'.",
        FunctionFields.EnvironmentVariables => $"At most {FunctionDefaults.MaxEnvironmentBytes / 1024} KB in all, names plus values.",
        _ => problem.Message,
    };
}
