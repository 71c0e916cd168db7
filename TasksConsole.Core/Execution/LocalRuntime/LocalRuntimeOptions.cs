namespace TasksConsole.Core.Execution.LocalRuntime;

/// <summary>Configuration section <c>Lambda:LocalRuntime</c>: the built-in runtime used when no Lambda endpoint is configured.</summary>
public sealed class LocalRuntimeOptions
{
    /// <summary>
    /// The key pair the runtime accepts. Leave both empty to get a random pair per process, known only to this app's
    /// own invoker; set both to call the runtime from another local tool (an AWS SDK, the AWS CLI).
    /// </summary>
    public string? AccessKeyId { get; set; }

    public string? SecretAccessKey { get; set; }

    /// <summary>Loopback port to listen on; 0 picks a free one. The runtime never listens beyond 127.0.0.1.</summary>
    public int Port { get; set; }
}
