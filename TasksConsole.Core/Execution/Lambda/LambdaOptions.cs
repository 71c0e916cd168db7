using TasksConsole.Core.Execution.LocalRuntime;

namespace TasksConsole.Core.Execution.Lambda;

/// <summary>Configuration section <c>Lambda</c>: where and how to call AWS Lambda (or a compatible endpoint).</summary>
public sealed class LambdaOptions
{
    public const string Section = "Lambda";

    /// <summary>AWS region, e.g. <c>eu-west-1</c>; otherwise AWS_REGION or the profile's, otherwise us-east-1.</summary>
    public string? Region { get; set; }

    /// <summary>Endpoint override (LocalStack, serverless-offline, ...). Without it and without AWS settings the built-in local runtime is used.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>A named profile from the AWS shared credentials files.</summary>
    public string? Profile { get; set; }

    /// <summary>Explicit keys, for emulators; leave empty in AWS to use the default credential chain.</summary>
    public string? AccessKeyId { get; set; }
    public string? SecretAccessKey { get; set; }
    public string? SessionToken { get; set; }

    /// <summary>Attempts for throttled (429) or faulted (5xx) Invoke calls, which Lambda did not run.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>The longest single wait between attempts, even if Retry-After asks for more.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Added to a function's time limit to get the HTTP timeout, so Lambda's own timeout answer arrives first.</summary>
    public TimeSpan TimeoutMargin { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The built-in local runtime, used when <see cref="IsConfigured"/> is false.</summary>
    public LocalRuntimeOptions LocalRuntime { get; set; } = new();

    /// <summary>Set when the operator configured a real or emulated Lambda endpoint.</summary>
    public bool IsConfigured =>
        !string.IsNullOrWhiteSpace(ServiceUrl) || !string.IsNullOrWhiteSpace(Region) || !string.IsNullOrWhiteSpace(Profile);
}
