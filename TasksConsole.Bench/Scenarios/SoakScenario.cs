using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using TasksConsole.Bench.Infrastructure;

namespace TasksConsole.Bench.Scenarios;

/// <summary>
/// Soak: one server under a steady mixed load for a long time (<c>--duration</c>, default 30 min), to see whether it
/// leaks or slows down. Tasks are created open-loop at <c>--rate</c> per second (default 300): 80% on the no-op
/// function (complete), 10% on <c>flaky</c> failing once (retried by its retry policy, then complete) and 10% on
/// <c>fail</c> (failed); list queries run beside them at a twentieth of that rate, the console's tasks page stays open
/// in headless Chromium (a live Blazor circuit re-rendering under the changes), and a SignalR client on
/// <c>/hubs/tasks</c> receives every change, from which outcomes are counted. Every <c>--sample</c> seconds the bench
/// records the window's throughput (created, completed, retried, failed per second, from the live connection), the
/// server's resident set (VmRSS), open handles (<c>/proc/&lt;pid&gt;/fd</c>), threads and GC heap (its runtime metrics
/// on <c>/metrics</c>), and the p50/p99 of the API calls sent in the window. Targets: resident set growth after the
/// warm-up at most 10%, and the API p99 of the last 5 minutes at most 20% above the first 5 minutes after the warm-up
/// (the median resident set and the p99 of all calls of each stretch).
/// </summary>
/// <remarks>
/// The warm-up is the first sixth of the run (at least one sample, at most 5 minutes): JIT, the thread pool, SQLite's
/// page cache and the GC's budgets settle then, and growth is counted from its end. The slope is a least-squares line
/// through the resident set of every sample after the warm-up, per hour. Retention is off by default, so the store keeps
/// every task of the run (half a million after 30 minutes): the list queries' p99 includes that growth, and so does the
/// file-backed part of the resident set (the store is memory-mapped, up to 256 MiB). A production-shaped run bounds the
/// store as an operator would, e.g. <c>--set Tasks:Retention:Complete=00:05:00</c> (and <c>Failed</c>, <c>Retried</c>,
/// <c>PurgeInterval=00:01:00</c>) and <c>--set Execution:JobRetention=00:05:00</c> for Hangfire's finished jobs; the
/// anonymous part of the resident set is reported beside the whole for the same reason.
/// </remarks>
internal sealed class SoakScenario : IBenchScenario
{
    private static readonly TimeSpan DefaultDuration = TimeSpan.FromMinutes(30);
    private static readonly TimeSpan MaxWarmUp = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan MaxSample = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ComparedBlock = TimeSpan.FromMinutes(5);
    private const double DefaultRate = 300;
    private const double ListsPerCreate = 1.0 / 20;
    private const double TargetRssGrowth = 0.10;
    private const double TargetP99Drift = 0.20;
    private const string Tag = "bench-soak";
    private const int WarmUpTasks = 20;
    private const string ConsolePage = "/tasks";

    /// <summary>Lists as a client or the console asks for them, in turn: the soak's tasks and the failures newest first, what is waiting or running by start.</summary>
    private static readonly string[] ListQueries =
    [
        $"/tasks/v1/?eq(tags,{Tag})&sort(-creationTimestamp)&limit(20)",
        $"/tasks/v1/?eq(status,failed)&sort(-creationTimestamp)&limit(20)",
        "/tasks/v1/?in(status,new,inProgress)&sort(+startTimestamp)&limit(50)",
    ];

    public string Name => "soak";

    public string Description =>
        "--rate tasks/s (default 300) of mixed work for --duration s (default 1800) with list queries and the console open; RSS growth after warm-up <= 10%, API p99 drift <= 20%";

    public async Task<ScenarioResult> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var output = context.Output;
        var duration = context.Options.Duration ?? DefaultDuration;
        var rate = context.Options.Rate ?? DefaultRate;
        var sampleEvery = context.Options.Sample ?? TimeSpan.FromSeconds(Math.Clamp(Math.Round(duration.TotalSeconds / 12), 1, MaxSample.TotalSeconds));
        var warmUp = TimeSpan.FromSeconds(Math.Clamp(duration.TotalSeconds / 6, sampleEvery.TotalSeconds, MaxWarmUp.TotalSeconds));
        output.WriteLine($"{rate:N0} tasks/s for {Time(duration)} (80% '{EngineWarmUp.FunctionName}', 10% 'flaky' failing once then retried, " +
                         $"10% 'fail'), {rate * ListsPerCreate:N0} list queries/s, the console's {ConsolePage} page open, a hub client; a sample every {Time(sampleEvery)}, " +
                         $"the first {Time(warmUp)} warm-up");

        using var data = TempDirectory.Create("soak");
        await using var store = await BenchStore.CreateAsync(context.Options, data.Combine("server"), "soak", cancellationToken);
        output.WriteLine($"store: {store.Name}");
        // Served from the build output, the console's script and style files exist only through the static web assets
        // manifest, which the server reads in Development alone; the app itself behaves the same in either.
        var consoleSettings = ConsoleCircuit.Available ? new[] { "environment=Development" } : [];
        if (ConsoleCircuit.Available) output.WriteLine("server environment: Development, so that the build output serves the console's static files");
        await using var server = await store.StartServerAsync(context, cancellationToken, settings: consoleSettings);
        using var api = await ApiClient.SignInAsync(server, cancellationToken);
        var changes = new ChangeCounts();
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, "/hubs/tasks"), options =>
            {
                options.Transports = HttpTransportType.WebSockets;
                options.AccessTokenProvider = () => Task.FromResult<string?>(api.AccessToken);
            })
            .Build();
        hub.On<HubTaskChange>("TaskChanged", change =>
        {
            if (change.Tags.Contains(Tag)) changes.Add(change.Status);
        });
        await hub.StartAsync(cancellationToken);
        await EngineWarmUp.RunAsync(api, server, WarmUpTasks, output, cancellationToken);
        await using var console = await ConsoleCircuit.OpenAsync(server, ConsolePage, output);

        var clock = Stopwatch.StartNew();
        var calls = new CallLog(clock);
        var samples = new List<Sample>();
        var table = new MarkdownTable("t", "created/s", "completed/s", "retried/s", "failed/s", "lists/s", "errors",
            "create p50/p99", "list p50/p99", "API p99", "RSS", "RSS anon", "GC heap", "handles", "threads", "console");
        output.WriteLine();
        output.WriteLine("  t: created/s completed/s retried/s failed/s lists/s errors | create p50/p99 | list p50/p99 | RSS, RSS anon, GC heap, handles, threads, console");

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        clock.Restart();
        var creates = PacedAsync(rate, duration, clock, i => CreateAsync(api, calls, i, stop.Token), stop.Token);
        var lists = PacedAsync(rate * ListsPerCreate, duration, clock, i => ListAsync(api, calls, i, stop.Token), stop.Token);
        var load = Task.WhenAll(creates, lists);
        var previous = changes.Snapshot();
        var windowStart = TimeSpan.Zero;
        try
        {
            while (windowStart < duration)
            {
                var windowEnd = windowStart + sampleEvery < duration ? windowStart + sampleEvery : duration;
                var last = windowEnd >= duration;
                var wait = windowEnd - clock.Elapsed;
                if (wait > TimeSpan.Zero) await Task.WhenAny(Task.Delay(wait, cancellationToken), load);
                // No window follows the last one to count the calls still in flight (or started late, behind a
                // stall), so it waits for the load to end and takes every call left.
                if (last) await Task.WhenAny(load, Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken));
                cancellationToken.ThrowIfCancellationRequested();
                if (load.IsFaulted) await load;
                server.EnsureRunning();
                var counts = changes.Snapshot();
                var sample = new Sample(
                    windowEnd, windowEnd - windowStart, counts - previous, calls.Take(last ? TimeSpan.MaxValue : windowEnd),
                    server.WorkingSetBytes(), server.AnonymousResidentBytes(), await GcHeapBytesAsync(api, cancellationToken), server.HandleCount(), server.ThreadCount(),
                    console is null ? null : await console.IsLiveAsync(), windowStart >= warmUp);
                previous = counts;
                samples.Add(sample);
                Print(output, table, sample);
                windowStart = windowEnd;
            }
            await load;
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(creates.ContinueWith(_ => { }, TaskScheduler.Default), lists.ContinueWith(_ => { }, TaskScheduler.Default));
        }
        await hub.StopAsync(CancellationToken.None);

        output.WriteLine();
        output.Write(table.ToString());
        var verdict = Judge(samples);
        output.WriteLine();
        output.WriteLine($"throughput: {Throughput(samples.Where(s => s.Measured).ToList())}");
        output.WriteLine($"RSS: {verdict.RssLine}");
        output.WriteLine($"RSS anon: {verdict.AnonLine}");
        output.WriteLine($"p99 drift: {verdict.P99Line}");
        output.WriteLine($"handles: {verdict.HandlesLine}");
        output.WriteLine($"GC heap: {verdict.GcLine}");
        output.WriteLine($"errors: {samples.Sum(s => s.Calls.Errors)} of {samples.Sum(s => s.Calls.Count):N0} API calls");
        var consoleLine = console is null
            ? "none open"
            : $"{ConsolePage} live at {samples.Count(s => s.ConsoleLive == true)} of {samples.Count} samples";
        output.WriteLine($"console: {consoleLine}");

        var errors = samples.Sum(s => s.Calls.Errors);
        var figures = new List<ScenarioFigure>
        {
            new("throughput after warm-up", Throughput(samples.Where(s => s.Measured).ToList())),
            new("RSS growth after warm-up", verdict.RssLine, $"<= {TargetRssGrowth:P0}", verdict.RssMet),
            new("API p99 drift, first to last window", verdict.P99Line, $"<= {TargetP99Drift:P0}, no errors", verdict.P99Met & errors == 0),
            new("anonymous RSS (heap, native, stacks) after warm-up", verdict.AnonLine),
            new("handles, GC heap", $"{verdict.HandlesLine}; {verdict.GcLine}"),
            new("console circuit", consoleLine, "live throughout", console is null ? null : samples.All(s => s.ConsoleLive == true)),
        };
        var result = new ScenarioResult(Name, figures, "");
        var summary = $"SUMMARY soak: {rate:N0} tasks/s for {Time(duration)}, {samples.Count} samples; RSS {verdict.RssShort}; " +
                      $"p99 {verdict.P99Short}; {errors} errors -> {(result.TargetsMet ? "target met" : "target missed")}";
        return result with { Summary = summary };
    }

    /// <summary>
    /// Open loop: the i-th call is due at <c>i / perSecond</c> whether or not earlier ones were answered, so a server
    /// that slows down shows it in the latencies instead of being offered less. The calls in flight are not awaited
    /// here; each records itself.
    /// </summary>
    private static async Task PacedAsync(double perSecond, TimeSpan length, Stopwatch clock, Func<long, Task> send, CancellationToken cancellationToken)
    {
        var inFlight = new CountdownEvent(1);
        try
        {
            for (long i = 0; ; i++)
            {
                var due = TimeSpan.FromSeconds(i / perSecond);
                if (due >= length) break;
                var wait = due - clock.Elapsed;
                if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait, cancellationToken);
                inFlight.AddCount();
                var number = i;
                _ = Task.Run(async () =>
                {
                    try
                    {
                        await send(number);
                    }
                    finally
                    {
                        inFlight.Signal();
                    }
                }, CancellationToken.None);
            }
        }
        finally
        {
            inFlight.Signal();
            await Task.Run(() => inFlight.Wait(TimeSpan.FromSeconds(120)), CancellationToken.None);
            inFlight.Dispose();
        }
    }

    private static async Task CreateAsync(ApiClient api, CallLog calls, long i, CancellationToken cancellationToken)
    {
        var body = (i % 10) switch
        {
            8 => Body("flaky", $"\"failTimes\":1,\"n\":{i}"),
            9 => Body("fail", $"\"errorName\":\"SoakFailure\",\"n\":{i}"),
            _ => ApiClient.TaskBody(EngineWarmUp.FunctionName, Tag, i),
        };
        await calls.TimeAsync(CallKind.Create, () => api.CreateTaskAsync(body, cancellationToken), cancellationToken);

        static byte[] Body(string function, string data) =>
            System.Text.Encoding.UTF8.GetBytes($"{{\"functionName\":\"{function}\",\"data\":{{{data}}},\"tags\":[\"{Tag}\"]}}");
    }

    private static Task ListAsync(ApiClient api, CallLog calls, long i, CancellationToken cancellationToken) =>
        calls.TimeAsync(CallKind.List, async () =>
        {
            var (status, body) = await api.GetAsync(ListQueries[i % ListQueries.Length], cancellationToken);
            if (status != System.Net.HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"GET answered {(int)status}: {System.Text.Encoding.UTF8.GetString(body)}");
            }
        }, cancellationToken);

    /// <summary>The GC heap after the last collection, summed over generations, from the server's runtime metrics; null if it has none.</summary>
    private static async Task<long?> GcHeapBytesAsync(ApiClient api, CancellationToken cancellationToken)
    {
        try
        {
            var (status, body) = await api.GetAsync("/metrics", cancellationToken);
            if (status != System.Net.HttpStatusCode.OK) return null;
            long? total = null;
            foreach (var line in System.Text.Encoding.UTF8.GetString(body).Split('\n'))
            {
                if (!line.StartsWith("dotnet_gc_last_collection_heap_size_bytes{", StringComparison.Ordinal)) continue;
                var value = line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0];
                if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var bytes)) total = (total ?? 0) + (long)bytes;
            }
            return total;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private static void Print(TextWriter output, MarkdownTable table, Sample s)
    {
        var seconds = s.Length.TotalSeconds;
        string PerSecond(long count) => (count / seconds).ToString("N0", CultureInfo.InvariantCulture);
        string Span(LatencyStats stats) => $"{LatencyStats.Ms(stats.P50)} / {LatencyStats.Ms(stats.P99)}";
        var row = new[]
        {
            Time(s.At) + (s.Measured ? "" : " (warm-up)"),
            PerSecond(s.Calls.Creates.Count), PerSecond(s.Changes.Completed), PerSecond(s.Changes.Retried), PerSecond(s.Changes.Failed),
            PerSecond(s.Calls.Lists.Count), s.Calls.Errors.ToString(CultureInfo.InvariantCulture),
            Span(s.Calls.Creates), Span(s.Calls.Lists), LatencyStats.Ms(s.Calls.All.P99),
            ServerProcess.Mib(s.Rss), ServerProcess.Mib(s.RssAnon), s.GcHeap is null ? "n/a" : ServerProcess.Mib(s.GcHeap), Count(s.Handles), Count(s.Threads),
            s.ConsoleLive switch { true => "live", false => "lost", null => "none" },
        };
        table.Add(row);
        output.WriteLine($"  {row[0]}: {row[1]} {row[2]} {row[3]} {row[4]} {row[5]} {row[6]} | {row[7]} | {row[8]} | {row[10]}, {row[11]}, {row[12]}, {row[13]}, {row[14]}, {row[15]}");
    }

    private sealed record Verdict(
        string RssLine, string RssShort, bool? RssMet, string AnonLine, string P99Line, string P99Short, bool? P99Met, string HandlesLine,
        string GcLine);

    private static Verdict Judge(IReadOnlyList<Sample> samples)
    {
        var measured = samples.Where(s => s.Measured).ToList();
        if (measured.Count < 2)
        {
            const string tooShort = "n/a (fewer than two samples after the warm-up)";
            return new Verdict(tooShort, "n/a", null, tooShort, tooShort, "n/a", null, tooShort, tooShort);
        }
        var first = measured[0];
        var last = measured[^1];
        // Start and end are blocks of samples, not single ones: one minute's p99 rests on its slowest 1% of calls and
        // swings with a GC or a checkpoint, and the file-backed part of the resident set moves by a hundred MiB from one
        // minute to the next as the kernel maps and drops the store's pages. A trend shows in both blocks; a blip does not.
        var blockSize = Math.Clamp((int)Math.Round(ComparedBlock / first.Length), 1, Math.Max(1, measured.Count / 3));
        var startBlock = measured.Take(blockSize).ToList();
        var endBlock = measured.TakeLast(blockSize).ToList();
        var blocks = blockSize == 1
            ? "the first sample after warm-up -> the last"
            : $"the first {Time(first.Length * blockSize)} after warm-up -> the last {Time(first.Length * blockSize)}";

        // The whole resident set and its anonymous part are compared the same way: medians of the blocks, slope of all.
        MemoryChange? Change(Func<Sample, long?> value) =>
            Median(startBlock, value) is { } from && Median(endBlock, value) is { } to && from > 0
                ? new MemoryChange(from, to, (double)(to - from) / from,
                    SlopePerHour(measured.Where(s => value(s) is not null).Select(s => (s.At, (double)value(s)!.Value)).ToList()) / 1048576.0)
                : null;
        string Describe(MemoryChange change) =>
            $"median {ServerProcess.Mib(change.From)} -> {ServerProcess.Mib(change.To)} ({Percent(change.Growth)}; {blocks}), slope {Signed(change.MibPerHour)} MiB/h";

        string rssLine, rssShort;
        bool? rssMet = null;
        if (Change(s => s.Rss) is { } rss)
        {
            rssMet = rss.Growth <= TargetRssGrowth;
            rssLine = $"{Describe(rss)}, samples {ServerProcess.Mib(measured.Min(s => s.Rss ?? 0))} to {ServerProcess.Mib(measured.Max(s => s.Rss ?? 0))}";
            rssShort = $"{ServerProcess.Mib(rss.From)} -> {ServerProcess.Mib(rss.To)} ({Percent(rss.Growth)}, {Signed(rss.MibPerHour)} MiB/h)";
        }
        else
        {
            rssLine = rssShort = "n/a (no /proc)";
        }
        var anonLine = Change(s => s.RssAnon) is { } anon ? Describe(anon) : "n/a (no /proc)";

        LatencyStats Merged(List<Sample> block, Func<WindowCalls, LatencyStats> pick) => LatencyStats.Merge(block.Select(s => pick(s.Calls)));
        var p99Start = Merged(startBlock, c => c.All).P99;
        var p99End = Merged(endBlock, c => c.All).P99;
        bool? p99Met = null;
        string p99Line, p99Short;
        if (!double.IsNaN(p99Start) && !double.IsNaN(p99End) && p99Start > 0)
        {
            var drift = (p99End - p99Start) / p99Start;
            p99Met = drift <= TargetP99Drift;
            p99Line = $"all API calls {LatencyStats.Ms(p99Start)} -> {LatencyStats.Ms(p99End)} ({Percent(drift)}; {blocks}); " +
                      $"creates {LatencyStats.Ms(Merged(startBlock, c => c.Creates).P99)} -> {LatencyStats.Ms(Merged(endBlock, c => c.Creates).P99)}, " +
                      $"lists {LatencyStats.Ms(Merged(startBlock, c => c.Lists).P99)} -> {LatencyStats.Ms(Merged(endBlock, c => c.Lists).P99)}; " +
                      $"single windows from {LatencyStats.Ms(measured.Min(s => s.Calls.All.P99))} to {LatencyStats.Ms(measured.Max(s => s.Calls.All.P99))}";
            p99Short = $"{LatencyStats.Ms(p99Start)} -> {LatencyStats.Ms(p99End)} ({Percent(drift)})";
        }
        else
        {
            p99Line = p99Short = "n/a (no calls in a window)";
        }

        var handlesLine = first.Handles is { } h0 && last.Handles is { } h1
            ? $"{h0} after warm-up -> {h1} at the end, most {measured.Max(s => s.Handles ?? 0)}; threads {Count(first.Threads)} -> {Count(last.Threads)}"
            : "n/a (no /proc)";
        var gcLine = first.GcHeap is { } g0 && last.GcHeap is { } g1
            ? $"{ServerProcess.Mib(g0)} after warm-up -> {ServerProcess.Mib(g1)} at the end, most {ServerProcess.Mib(measured.Max(s => s.GcHeap ?? 0))}"
            : "n/a (the server exports no runtime metrics)";
        return new Verdict(rssLine, rssShort, rssMet, anonLine, p99Line, p99Short, p99Met, handlesLine, gcLine);
    }

    private static string Throughput(IReadOnlyList<Sample> samples)
    {
        var seconds = samples.Sum(s => s.Length.TotalSeconds);
        if (seconds <= 0) return "n/a";
        var changes = samples.Aggregate(new Counts(0, 0, 0), (sum, s) => sum + s.Changes);
        return string.Create(CultureInfo.InvariantCulture,
            $"{samples.Sum(s => s.Calls.Creates.Count) / seconds:N0} created/s, {changes.Completed / seconds:N0} completed/s, {changes.Retried / seconds:N0} retried/s, " +
            $"{changes.Failed / seconds:N0} failed/s, {samples.Sum(s => s.Calls.Lists.Count) / seconds:N0} lists/s over {Time(TimeSpan.FromSeconds(seconds))}");
    }

    /// <summary>A memory figure's medians at the start and the end, its growth between them, and the slope over all samples.</summary>
    private sealed record MemoryChange(long From, long To, double Growth, double MibPerHour);

    private static long? Median(IReadOnlyList<Sample> block, Func<Sample, long?> value)
    {
        var values = block.Select(value).OfType<long>().Order().ToList();
        return values.Count == 0 ? null : values[values.Count / 2];
    }

    /// <summary>Least-squares slope of <paramref name="points"/> (value over time), per hour.</summary>
    private static double SlopePerHour(IReadOnlyList<(TimeSpan At, double Value)> points)
    {
        if (points.Count < 2) return double.NaN;
        var meanX = points.Average(p => p.At.TotalHours);
        var meanY = points.Average(p => p.Value);
        var sxx = points.Sum(p => Math.Pow(p.At.TotalHours - meanX, 2));
        return sxx == 0 ? double.NaN : points.Sum(p => (p.At.TotalHours - meanX) * (p.Value - meanY)) / sxx;
    }

    private static string Percent(double fraction) => (fraction >= 0 ? "+" : "") + fraction.ToString("P1", CultureInfo.InvariantCulture);

    private static string Signed(double value) => (value >= 0 ? "+" : "") + value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Count(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "n/a";

    private static string Time(TimeSpan span) =>
        span.TotalSeconds < 120 ? $"{span.TotalSeconds:0.#} s" : $"{(int)span.TotalMinutes} min{(span.Seconds > 0 ? $" {span.Seconds} s" : "")}";

    private enum CallKind
    {
        Create,
        List,
    }

    /// <summary>API calls by when they were due (start of their slot), kept until a sample takes them.</summary>
    private sealed class CallLog(Stopwatch clock)
    {
        private readonly ConcurrentQueue<(TimeSpan At, CallKind Kind, double Ms, bool Ok)> done = new();
        private readonly List<(TimeSpan At, CallKind Kind, double Ms, bool Ok)> pending = [];

        public async Task TimeAsync(CallKind kind, Func<Task> call, CancellationToken cancellationToken)
        {
            var started = clock.Elapsed;
            var ok = true;
            try
            {
                await call();
            }
            catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or IOException
                                           || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                ok = false;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            done.Enqueue((started, kind, (clock.Elapsed - started).TotalMilliseconds, ok));
        }

        /// <summary>
        /// The calls started before <paramref name="to"/> on the load's clock, answered by now and not taken yet: the
        /// few still in flight at a sample are counted in the window in which they are answered.
        /// </summary>
        public WindowCalls Take(TimeSpan to)
        {
            while (done.TryDequeue(out var call)) pending.Add(call);
            var taken = pending.Where(c => c.At < to).ToList();
            pending.RemoveAll(c => c.At < to);
            return new WindowCalls(
                new LatencyStats(taken.Where(c => c.Ok && c.Kind == CallKind.Create).Select(c => c.Ms)),
                new LatencyStats(taken.Where(c => c.Ok && c.Kind == CallKind.List).Select(c => c.Ms)),
                new LatencyStats(taken.Where(c => c.Ok).Select(c => c.Ms)),
                taken.Count(c => !c.Ok),
                taken.Count);
        }
    }

    private sealed record WindowCalls(LatencyStats Creates, LatencyStats Lists, LatencyStats All, int Errors, int Count);

    private sealed record Counts(long Completed, long Retried, long Failed)
    {
        public static Counts operator -(Counts a, Counts b) => new(a.Completed - b.Completed, a.Retried - b.Retried, a.Failed - b.Failed);

        public static Counts operator +(Counts a, Counts b) => new(a.Completed + b.Completed, a.Retried + b.Retried, a.Failed + b.Failed);
    }

    /// <summary>The live connection's changes of the soak's tasks into an outcome (created and started ones are not counted).</summary>
    private sealed class ChangeCounts
    {
        private long completed, retried, failed;

        public void Add(string status)
        {
            if (status == "complete") Interlocked.Increment(ref completed);
            else if (status == "retried") Interlocked.Increment(ref retried);
            else if (status == "failed") Interlocked.Increment(ref failed);
        }

        public Counts Snapshot() => new(Interlocked.Read(ref completed), Interlocked.Read(ref retried), Interlocked.Read(ref failed));
    }

    private sealed record Sample(
        TimeSpan At, TimeSpan Length, Counts Changes, WindowCalls Calls, long? Rss, long? RssAnon, long? GcHeap, int? Handles, long? Threads, bool? ConsoleLive,
        bool Measured);

    /// <summary>The hub's <c>TaskChanged</c> message as a client sees it.</summary>
    private sealed record HubTaskChange(string Kind, string TaskId, string FunctionName, string Status, IReadOnlyList<string> Tags, DateTimeOffset Timestamp);
}
