namespace TasksConsole.Core.Functions;

/// <summary>
/// A registry entry: the EXH function fields, plus which Lambda function it invokes and how (TasksConsole invokes
/// existing Lambda functions; it does not deploy code, so <see cref="CodeBase64"/> is kept for reference only).
/// </summary>
public sealed class FunctionRecord
{
    public required string Name { get; set; }
    public string? Description { get; set; }

    /// <summary>The Lambda function to invoke: a name, <c>name:alias</c> or an ARN; defaults to <see cref="Name"/>.</summary>
    public required string LambdaFunctionName { get; set; }
    public string? Qualifier { get; set; }

    public string? CodeBase64 { get; set; }
    public string? EntryPoint { get; set; }
    public string? Runtime { get; set; }
    public int TimeLimitSeconds { get; set; } = FunctionDefaults.TimeLimitSeconds;
    public int MemoryLimitMb { get; set; } = FunctionDefaults.MemoryLimitMb;

    /// <summary>EXH shape <c>{"NAME":{"value":"…"}}</c>, kept verbatim.</summary>
    public string? EnvironmentVariablesJson { get; set; }

    public string PermissionMode { get; set; } = FunctionPermissionModes.PermissionRequired;
    public long DefaultPriority { get; set; }

    public bool RetryEnabled { get; set; }

    /// <summary>Error names that are retried; empty means every error.</summary>
    public List<string> ErrorsToRetry { get; set; } = [];

    /// <summary>Wait before each retry; its length is the number of retries (EXH: 2, 5 and 10 s).</summary>
    public List<int> RetryDelaysSeconds { get; set; } = [.. FunctionDefaults.RetryDelaysSeconds];

    /// <summary>At most this many of the function's tasks run at once; null leaves only the global limit.</summary>
    public int? ConcurrencyLimit { get; set; }

    public bool Enabled { get; set; } = true;
    public DateTimeOffset CreationTimestamp { get; set; }
    public DateTimeOffset UpdateTimestamp { get; set; }
}

public static class FunctionDefaults
{
    public const int TimeLimitSeconds = 30;
    public const int MinTimeLimitSeconds = 3;

    /// <summary>EXH caps at 300 s; Lambda itself allows 900 s, and so do we.</summary>
    public const int MaxTimeLimitSeconds = 900;
    public const int MemoryLimitMb = 128;
    public const int MinMemoryLimitMb = 128;
    public const int MaxMemoryLimitMb = 10240;
    public const int MaxRetries = 10;
    public const int MaxRetryDelaySeconds = 24 * 60 * 60;
    public static readonly IReadOnlyList<int> RetryDelaysSeconds = [2, 5, 10];

    public const int MaxConcurrencyLimit = 1000;
    public const int MaxDescriptionLength = 1024;

    /// <summary>Lambda's own limit on a handler string.</summary>
    public const int MaxEntryPointLength = 128;
    public const int MaxRuntimeLength = 64;

    /// <summary>Lambda's limits on the FunctionName and Qualifier parameters of Invoke.</summary>
    public const int MaxLambdaFunctionNameLength = 170;
    public const int MaxQualifierLength = 128;

    /// <summary>Lambda refuses more than 4 KB of environment variables (names plus values).</summary>
    public const int MaxEnvironmentBytes = 4 * 1024;
    public const int MaxErrorsToRetry = 100;
    public const int MaxErrorNameLength = 256;
}

public static class FunctionPermissionModes
{
    public const string PermissionRequired = "permissionRequired";
    public const string AllUsers = "allUsers";
    public const string Public = "public";

    public static bool IsValid(string? mode) => mode is PermissionRequired or AllUsers or Public;
}
