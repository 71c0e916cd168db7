using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Hangfire;

namespace TasksConsole.Bench.Infrastructure;

/// <summary>What plain Hangfire did with a batch of empty jobs.</summary>
internal sealed record HangfireThroughput(int Jobs, int Succeeded, TimeSpan EnqueueTime, TimeSpan RunTime, bool TimedOut)
{
    public double PerSecond => Succeeded / RunTime.TotalSeconds;
}

/// <summary>
/// What plain Hangfire did with delayed jobs: each job's start minus its scheduled time, in ms. <see cref="Early"/>
/// counts jobs that ran before their time (Hangfire keeps schedule times in whole seconds).
/// </summary>
internal sealed record HangfireLag(int Jobs, TimeSpan ScheduleTime, LatencyStats Lag, int Early, bool TimedOut);

/// <summary>
/// What plain Hangfire did with empty jobs enqueued by concurrent callers while its server ran: the enqueue calls
/// (<see cref="Enqueues"/>, measured like HTTP requests), the jobs performed over the same window, and each job's
/// enqueue-to-performed time. <see cref="Drain"/> is how long the server took after the load to perform the rest.
/// </summary>
internal sealed record HangfireFlow(LoadResult Enqueues, FlowStats Jobs, LatencyStats EnqueueToPerformed, long Enqueued, long Performed, TimeSpan Drain, bool TimedOut);

/// <summary>
/// Hangfire on its own, in the bench process, on the storage the app uses (Hangfire.Storage.SQLite in a fresh file, or
/// Hangfire.PostgreSql in a fresh schema of the run's database, see <see cref="BenchStore.NewHangfireStorage"/>):
/// what the engine is compared with. It runs after the app's server has stopped, so that the two never share the
/// cores.
/// </summary>
internal static class HangfireBaseline
{
    private static readonly Lock ConfigureGate = new();
    private static bool _configured;

    /// <summary>
    /// Enqueues <paramref name="count"/> empty jobs with no server running, then starts one and times it from its
    /// start until every job has succeeded: the same shape as tasks that are all due at once.
    /// </summary>
    public static async Task<HangfireThroughput> EmptyJobsAsync(
        BenchStore store, int count, int workerCount, TimeSpan queuePollInterval, TimeSpan timeLimit, CancellationToken cancellationToken)
    {
        var storage = store.NewHangfireStorage("baseline", queuePollInterval);
        var run = Guid.NewGuid();
        HangfireBaselineJobs.StartCounting(run);
        try
        {
            var client = new BackgroundJobClient(storage);
            var enqueue = Stopwatch.StartNew();
            // Not measured; concurrent only to get through the set-up sooner, the storage serializes the writes anyway.
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
                _ => client.Enqueue(() => HangfireBaselineJobs.Empty(run)));
            var enqueueTime = enqueue.Elapsed;

            var monitoring = storage.GetMonitoringApi();
            var clock = Stopwatch.StartNew();
            using var server = NewServer(storage, "bench-baseline-", run, workerCount);
            // The in-memory count tells when the last job body has run without querying the storage under load;
            // only then is the storage asked, until it has recorded every job as succeeded.
            long succeeded = 0;
            var timedOut = false;
            while (true)
            {
                await Task.Delay(25, cancellationToken);
                if (HangfireBaselineJobs.Count(run) >= count && (succeeded = monitoring.SucceededListCount()) >= count) break;
                if (clock.Elapsed > timeLimit)
                {
                    succeeded = monitoring.SucceededListCount();
                    timedOut = true;
                    break;
                }
            }
            var runTime = clock.Elapsed;
            server.SendStop();
            return new HangfireThroughput(count, (int)Math.Min(succeeded, count), enqueueTime, runTime, timedOut);
        }
        finally
        {
            HangfireBaselineJobs.StopCounting(run);
        }
    }

    /// <summary>
    /// Schedules one delayed job per instant in <paramref name="at"/> with Hangfire's defaults throughout (storage and
    /// server options), starts a server, and waits until every job has run or <paramref name="timeLimit"/> has passed.
    /// </summary>
    public static async Task<HangfireLag> DelayedJobsAsync(
        BenchStore store, IReadOnlyList<DateTimeOffset> at, TimeSpan timeLimit, CancellationToken cancellationToken)
    {
        var storage = store.NewHangfireStorage("delayed", queuePollInterval: null);
        var run = Guid.NewGuid();
        var lags = HangfireBaselineJobs.StartRecording(run);
        try
        {
            var client = new BackgroundJobClient(storage);
            var schedule = Stopwatch.StartNew();
            foreach (var instant in at)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var scheduledMs = instant.ToUnixTimeMilliseconds();
                client.Schedule(() => HangfireBaselineJobs.Probe(run, scheduledMs), instant);
            }
            var scheduleTime = schedule.Elapsed;

            using var server = NewServer(storage, "bench-lag-", run, workerCount: null);
            var timedOut = !await WaitUntilAsync(() => lags.Count >= at.Count, TimeSpan.FromMilliseconds(100), timeLimit, cancellationToken);
            server.SendStop();
            return new HangfireLag(at.Count, scheduleTime, new LatencyStats(lags.Select(l => l.LagMs)), lags.Count(l => l.LagMs < 0), timedOut);
        }
        finally
        {
            HangfireBaselineJobs.StopRecording(run);
        }
    }

    /// <summary>
    /// <paramref name="callers"/> concurrent callers enqueue empty jobs (closed loop, or paced at
    /// <paramref name="perSecond"/>) for a warm-up and then <paramref name="window"/>, while a server with the given
    /// workers and queue poll performs them: the same shape as tasks created to run now by concurrent clients. Then
    /// waits, at most <paramref name="drainLimit"/>, for the jobs still queued.
    /// </summary>
    public static async Task<HangfireFlow> EnqueueFlowAsync(
        BenchStore store, int callers, TimeSpan warmUp, TimeSpan window, double? perSecond, int workerCount, TimeSpan queuePollInterval,
        TimeSpan drainLimit, CancellationToken cancellationToken)
    {
        var storage = store.NewHangfireStorage("flow", queuePollInterval);
        var run = Guid.NewGuid();
        var performed = HangfireBaselineJobs.StartRecording(run);
        var enqueued = new ConcurrentQueue<long>();
        // Enqueue blocks its thread until the storage has written the job: without a thread for each caller, the
        // thread pool would add them a few a second and the callers would not really be concurrent.
        ThreadPool.GetMinThreads(out var minWorkers, out var minIo);
        ThreadPool.SetMinThreads(Math.Max(minWorkers, callers + 2 * Environment.ProcessorCount), minIo);
        try
        {
            using var server = NewServer(storage, "bench-flow-", run, workerCount);
            var client = new BackgroundJobClient(storage);
            var enqueues = await LoadGenerator.RunAsync(callers, warmUp, window, (_, _, _) =>
            {
                var at = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                try
                {
                    client.Enqueue(() => HangfireBaselineJobs.Probe(run, at));
                }
                catch (BackgroundJobClientException)
                {
                    return Task.FromResult(false);
                }
                enqueued.Enqueue(at);
                return Task.FromResult(true);
            }, cancellationToken, perSecond);

            var drain = Stopwatch.StartNew();
            var timedOut = !await WaitUntilAsync(() => performed.Count >= enqueued.Count, TimeSpan.FromMilliseconds(25), drainLimit, cancellationToken);
            var drainTime = drain.Elapsed;
            server.SendStop();

            var jobs = performed.ToList();
            var flow = FlowStats.Over(enqueued, jobs.Select(j => (long?)(j.ScheduledMs + (long)j.LagMs)), enqueues.WindowStart, enqueues.WindowEnd);
            var measured = jobs.Where(j => j.ScheduledMs >= enqueues.WindowStart.ToUnixTimeMilliseconds() && j.ScheduledMs < enqueues.WindowEnd.ToUnixTimeMilliseconds());
            return new HangfireFlow(enqueues, flow, new LatencyStats(measured.Select(j => j.LagMs)), enqueued.Count, jobs.Count, drainTime, timedOut);
        }
        finally
        {
            ThreadPool.SetMinThreads(minWorkers, minIo);
            HangfireBaselineJobs.StopRecording(run);
        }
    }

    /// <summary>Polls <paramref name="done"/> every <paramref name="interval"/>; false when <paramref name="timeLimit"/> passed first.</summary>
    private static async Task<bool> WaitUntilAsync(Func<bool> done, TimeSpan interval, TimeSpan timeLimit, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (!done())
        {
            if (clock.Elapsed > timeLimit) return false;
            await Task.Delay(interval, cancellationToken);
        }
        return true;
    }

    /// <param name="workerCount">Null for Hangfire's default.</param>
    private static BackgroundJobServer NewServer(JobStorage storage, string namePrefix, Guid run, int? workerCount)
    {
        var options = new BackgroundJobServerOptions { ServerName = namePrefix + run.ToString("N")[..8], Activator = OwnActivator };
        if (workerCount is { } workers) options.WorkerCount = workers;
        return new BackgroundJobServer(options, storage);
    }

    /// <summary>
    /// The baseline's own activator: Hangfire's default is process-wide, and an app hosted in the same process (the
    /// test suite runs the bench beside its app factories) replaces it with one bound to that app's services,
    /// which fails once that app is disposed.
    /// </summary>
    private static readonly JobActivator OwnActivator = new();

    /// <summary>The serializer settings the app gives Hangfire (they are process-wide), so job payloads are alike.</summary>
    internal static void ConfigureLikeTheApp()
    {
        lock (ConfigureGate)
        {
            // Hangfire's log provider is process-wide too; an app hosted earlier in the same process leaves one bound
            // to its disposed logger factory, so every run points it at a silent one.
            GlobalConfiguration.Configuration.UseLogProvider(new SilentLogProvider());
            if (_configured) return;
            GlobalConfiguration.Configuration
                .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings();
            _configured = true;
        }
    }
}

internal sealed class SilentLogProvider : Hangfire.Logging.ILogProvider
{
    public Hangfire.Logging.ILog GetLogger(string name) => SilentLog.Instance;

    private sealed class SilentLog : Hangfire.Logging.ILog
    {
        public static readonly SilentLog Instance = new();

        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null) => false;
    }
}

/// <summary>
/// The baseline's job bodies. Public, because Hangfire invokes only public methods; a run id keeps concurrent or
/// leftover runs apart.
/// </summary>
public static class HangfireBaselineJobs
{
    private static readonly ConcurrentDictionary<Guid, StrongBox<long>> Counters = new();
    private static readonly ConcurrentDictionary<Guid, ConcurrentQueue<(long ScheduledMs, double LagMs)>> Lags = new();

    /// <summary>As close to nothing as a job can be: one increment, so the bench knows when the last one ran.</summary>
    public static void Empty(Guid run)
    {
        if (Counters.TryGetValue(run, out var counter)) Interlocked.Increment(ref counter.Value);
    }

    /// <summary>
    /// Records how late the job started, against the instant it was scheduled for (for an enqueued job, the instant
    /// it was enqueued).
    /// </summary>
    public static void Probe(Guid run, long scheduledUnixMs)
    {
        var lag = (DateTimeOffset.UtcNow - DateTimeOffset.FromUnixTimeMilliseconds(scheduledUnixMs)).TotalMilliseconds;
        if (Lags.TryGetValue(run, out var lags)) lags.Enqueue((scheduledUnixMs, lag));
    }

    internal static void StartCounting(Guid run) => Counters[run] = new StrongBox<long>();

    internal static long Count(Guid run) => Counters.TryGetValue(run, out var counter) ? Interlocked.Read(ref counter.Value) : 0;

    internal static void StopCounting(Guid run) => Counters.TryRemove(run, out _);

    internal static ConcurrentQueue<(long ScheduledMs, double LagMs)> StartRecording(Guid run) => Lags[run] = new ConcurrentQueue<(long ScheduledMs, double LagMs)>();

    internal static void StopRecording(Guid run) => Lags.TryRemove(run, out _);
}
