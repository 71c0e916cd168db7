namespace TasksConsole.Core.Execution;

/// <summary>
/// One node of the store, as it last reported itself. Each node writes its own row every
/// <see cref="ExecutionOptions.HeartbeatInterval"/>; a row whose heartbeat is older than
/// <see cref="ExecutionOptions.NodeTimeout"/> is a dead node, whose claims the others release.
/// </summary>
public sealed class NodeRecord
{
    /// <summary><see cref="ExecutionOptions.NodeId"/>: the prefix of every claim the node makes.</summary>
    public string Id { get; set; } = "";

    /// <summary>The assembly's informational version, so a rolling upgrade shows which nodes run what.</summary>
    public string Version { get; set; } = "";

    public string HostName { get; set; } = "";

    public DateTimeOffset StartedTimestamp { get; set; }

    public DateTimeOffset HeartbeatTimestamp { get; set; }

    public bool Dispatches { get; set; }

    /// <summary>Tasks the node had claimed and not yet finished (started or not) at its last heartbeat.</summary>
    public int TasksInFlight { get; set; }

    /// <summary>Claims the node held in the store (new tasks claimed, not yet started) at its last heartbeat.</summary>
    public int ClaimsHeld { get; set; }
}
