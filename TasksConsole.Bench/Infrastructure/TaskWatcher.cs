using System.Diagnostics;

namespace TasksConsole.Bench.Infrastructure;

/// <summary>How a watched set of tasks ended, and when the watcher saw the last of them finish.</summary>
internal sealed record WatchResult(long Complete, long Failed, DateTimeOffset SeenAt);

/// <summary>
/// Waits for tasks (found by a tag) to finish, by counting them through the REST API as a client would:
/// <c>eq(tags,…)&amp;eq(status,complete)&amp;limit(1)</c>, every <c>interval</c>. The counts walk the tag index, so a
/// poll costs the server a few milliseconds.
/// </summary>
internal static class TaskWatcher
{
    public static async Task<WatchResult> WaitForAsync(
        ApiClient api, ServerProcess server, string tag, long expected, TimeSpan interval, TimeSpan stallTimeout, CancellationToken cancellationToken)
    {
        var byTag = $"eq(tags,{RqlValues.Encode(tag)})";
        long complete = 0, failed = 0, lastProgress = -1;
        var sinceProgress = Stopwatch.StartNew();
        var sinceFailedCount = Stopwatch.StartNew();
        while (true)
        {
            server.EnsureRunning();
            complete = await api.CountAsync($"{byTag}&eq(status,complete)", cancellationToken);
            // Failures are not expected of the no-op function: asked for less often, and whenever progress stops.
            if (complete + failed >= expected || sinceFailedCount.Elapsed > TimeSpan.FromSeconds(2) || sinceProgress.Elapsed > interval * 4)
            {
                failed = await api.CountAsync($"{byTag}&eq(status,failed)", cancellationToken);
                sinceFailedCount.Restart();
            }
            if (complete + failed >= expected) return new WatchResult(complete, failed, DateTimeOffset.UtcNow);
            if (complete + failed != lastProgress)
            {
                lastProgress = complete + failed;
                sinceProgress.Restart();
            }
            else if (sinceProgress.Elapsed > stallTimeout)
            {
                throw new TimeoutException(
                    $"Tasks tagged {tag}: {complete:N0} complete and {failed:N0} failed of {expected:N0}, and no progress for " +
                    $"{stallTimeout.TotalSeconds:0} s. The server's last output:{Environment.NewLine}{server.RecentOutput()}");
            }
            await Task.Delay(interval, cancellationToken);
        }
    }
}
