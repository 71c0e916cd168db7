using System.Diagnostics;

namespace TasksConsole.Bench.Infrastructure;

/// <summary>
/// What a load run measured: only requests started (or, when paced, due to start) inside the measured window count.
/// <see cref="WindowStart"/> is when that window began on the wall clock, to line it up with the server's timestamps.
/// </summary>
internal sealed record LoadResult(int Clients, TimeSpan Window, long Completed, long Errors, LatencyStats Latency, IReadOnlyList<string> ErrorSamples)
{
    public double PerSecond => Completed / Window.TotalSeconds;

    public DateTimeOffset WindowStart { get; init; }

    public DateTimeOffset WindowEnd => WindowStart + Window;
}

/// <summary>
/// N clients, first for a warm-up that is not recorded (JIT, connection set-up, SQLite page cache), then for the
/// measured window. Closed loop by default: each client sends its next request as soon as the previous one is
/// answered. Paced, the i-th request is due at <c>i / perSecond</c> and goes out on the first free client; its latency
/// counts from when it was due, so a server that falls behind shows it in the latency instead of quietly being
/// offered less.
/// </summary>
internal static class LoadGenerator
{
    /// <param name="send">Sends one request for client <c>c</c> with sequence number <c>i</c>; false or an exception counts as an error.</param>
    /// <param name="perSecond">Offered requests per second over all clients; null for a closed loop.</param>
    public static async Task<LoadResult> RunAsync(
        int clients, TimeSpan warmUp, TimeSpan window, Func<int, long, CancellationToken, Task<bool>> send, CancellationToken cancellationToken,
        double? perSecond = null)
    {
        var clock = Stopwatch.StartNew();
        var startedAt = DateTimeOffset.UtcNow;
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
                var number = Interlocked.Increment(ref sequence);
                var started = clock.Elapsed;
                if (perSecond is { } rate)
                {
                    var due = TimeSpan.FromSeconds((number - 1) / rate);
                    if (due >= stopAt) break;
                    if (due > started) await Task.Delay(due - started, cancellationToken);
                    started = due;
                }
                if (started >= stopAt) break;
                bool ok;
                string? failure = null;
                try
                {
                    ok = await send(client, number, cancellationToken);
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
        return new LoadResult(clients, window, all.Count, errors.Sum(), new LatencyStats(all), samples) { WindowStart = startedAt + warmUp };
    }
}
