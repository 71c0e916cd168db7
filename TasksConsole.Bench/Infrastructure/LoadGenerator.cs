using System.Diagnostics;

namespace TasksConsole.Bench.Infrastructure;

/// <summary>What a closed-loop load run measured: only requests started inside the measured window count.</summary>
internal sealed record LoadResult(int Clients, TimeSpan Window, long Completed, long Errors, LatencyStats Latency, IReadOnlyList<string> ErrorSamples)
{
    public double PerSecond => Completed / Window.TotalSeconds;
}

/// <summary>
/// N clients, each sending its next request as soon as the previous one is answered (closed loop), first for a
/// warm-up that is not recorded (JIT, connection set-up, SQLite page cache), then for the measured window.
/// </summary>
internal static class LoadGenerator
{
    /// <param name="send">Sends one request for client <c>c</c> with sequence number <c>i</c>; false or an exception counts as an error.</param>
    public static async Task<LoadResult> RunAsync(
        int clients, TimeSpan warmUp, TimeSpan window, Func<int, long, CancellationToken, Task<bool>> send, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var measureFrom = warmUp;
        var stopAt = warmUp + window;
        var latencies = new List<double>[clients];
        var errors = new long[clients];
        var samples = new List<string>();
        long sequence = 0;

        async Task Client(int client)
        {
            var own = latencies[client] = new List<double>(4096);
            while (!cancellationToken.IsCancellationRequested)
            {
                var started = clock.Elapsed;
                if (started >= stopAt) break;
                bool ok;
                string? failure = null;
                try
                {
                    ok = await send(client, Interlocked.Increment(ref sequence), cancellationToken);
                    if (!ok) failure = "unsuccessful status";
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException or InvalidOperationException or System.Data.Common.DbException
                                               || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
                {
                    ok = false;
                    failure = $"{ex.GetType().Name}: {ex.Message}";
                }
                if (started < measureFrom) continue;
                if (ok)
                {
                    own.Add((clock.Elapsed - started).TotalMilliseconds);
                }
                else
                {
                    errors[client]++;
                    lock (samples)
                    {
                        if (samples.Count < 3 && failure is not null && !samples.Contains(failure)) samples.Add(failure);
                    }
                }
            }
        }

        // Task.Run so that no client's synchronous part delays the start of the others.
        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(() => Client(c), CancellationToken.None)));
        cancellationToken.ThrowIfCancellationRequested();
        var all = latencies.SelectMany(l => l).ToList();
        return new LoadResult(clients, window, all.Count, errors.Sum(), new LatencyStats(all), samples);
    }
}
