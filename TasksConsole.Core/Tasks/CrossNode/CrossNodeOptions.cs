namespace TasksConsole.Core.Tasks.CrossNode;

/// <summary>
/// The change feed between nodes that share one PostgreSQL database (section <c>Live:CrossNode</c>); used only
/// when <c>Storage:Provider</c> is <c>PostgreSql</c>.
/// </summary>
public sealed class CrossNodeOptions
{
    public const string Section = "Live:CrossNode";

    /// <summary>The NOTIFY/LISTEN channel; nodes of one installation must agree on it.</summary>
    public string Channel { get; set; } = "tasksconsole_changes";

    /// <summary>
    /// How long the sender gathers changes after the first one before it notifies: a few ms turns a burst into a
    /// few notifications instead of one per change.
    /// </summary>
    public TimeSpan GatherWindow { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// How far before the listener was last known to be connected the catch-up read starts: it covers a change
    /// stamped before its commit, the sender's gathering and clocks of nodes that differ a little.
    /// </summary>
    public TimeSpan CatchUpMargin { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often an idle listening connection is checked, so that a dead one is noticed.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The first wait before reconnecting; it doubles with each failed attempt up to <see cref="MaxReconnectDelay"/>.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(10);

    public bool IsValid() =>
        !string.IsNullOrWhiteSpace(Channel) && Channel.Length <= 63 && Channel.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
        && GatherWindow >= TimeSpan.Zero && GatherWindow <= TimeSpan.FromSeconds(1)
        && CatchUpMargin >= TimeSpan.Zero
        && KeepAliveInterval > TimeSpan.Zero
        && ReconnectDelay > TimeSpan.Zero && MaxReconnectDelay >= ReconnectDelay;
}
