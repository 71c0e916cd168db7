namespace TasksConsole.Bench.Infrastructure;

/// <summary>
/// A steady flow of work over a measured window: what arrived in it, what was finished in it, and the backlog
/// (arrived, not yet finished) at its start, its end and at worst. Whatever arrives is counted from the start of
/// the load, warm-up included, so the backlog is the real one.
/// </summary>
internal sealed record FlowStats(TimeSpan Window, long Arrived, long Finished, long BacklogAtStart, long BacklogAtEnd, long PeakBacklog)
{
    public double ArrivedPerSecond => Arrived / Window.TotalSeconds;

    public double FinishedPerSecond => Finished / Window.TotalSeconds;

    public long Growth => BacklogAtEnd - BacklogAtStart;

    /// <summary>
    /// Whether the work kept up with its arrivals: the backlog grew by no more than <paramref name="slack"/>'s worth
    /// of arrivals (at least a few items, for noise at a trickle). A backlog that grows faster means every later item
    /// waits longer, however good the figures of the window look.
    /// </summary>
    public bool KeptUp(TimeSpan slack) => Growth <= Math.Max(10, ArrivedPerSecond * slack.TotalSeconds);

    public string DescribeBacklog(TimeSpan slack) =>
        $"backlog {BacklogAtStart:N0} -> {BacklogAtEnd:N0}, peak {PeakBacklog:N0}: {(KeptUp(slack) ? "steady" : "grew")}";

    /// <param name="arrivals">When each item arrived (Unix ms).</param>
    /// <param name="finishes">When each item was finished (Unix ms); null for items not finished.</param>
    public static FlowStats Over(IEnumerable<long> arrivals, IEnumerable<long?> finishes, DateTimeOffset from, DateTimeOffset to)
    {
        long start = from.ToUnixTimeMilliseconds(), end = to.ToUnixTimeMilliseconds();
        var events = arrivals.Select(at => (At: at, Step: 1))
            .Concat(finishes.Where(at => at.HasValue).Select(at => (At: at!.Value, Step: -1)))
            .OrderBy(e => e.At).ThenBy(e => e.Step)
            .ToList();
        long backlog = 0, atStart = 0, peak = 0, arrived = 0, finished = 0;
        var startSeen = false;
        foreach (var (at, step) in events)
        {
            if (at >= end) break;
            if (at >= start && !startSeen)
            {
                atStart = peak = backlog;
                startSeen = true;
            }
            backlog += step;
            if (at < start) continue;
            if (step > 0) arrived++;
            else finished++;
            peak = Math.Max(peak, backlog);
        }
        if (!startSeen) atStart = peak = backlog;
        return new FlowStats(to - from, arrived, finished, atStart, backlog, peak);
    }
}
