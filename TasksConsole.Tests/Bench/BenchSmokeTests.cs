using System.Text.RegularExpressions;
using TasksConsole.Bench;
using TasksConsole.Tests.Infrastructure;
using Xunit.Abstractions;

namespace TasksConsole.Tests.Bench;

/// <summary>
/// Runs after the parallel tests, alone: the bench's in-process Hangfire baselines share Hangfire's process-wide
/// settings with whatever app the suite hosts at the same moment.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BenchCollection
{
    public const string Name = "Bench";
}

/// <summary>
/// Each scenario once, at a size that takes seconds: it must run end to end against the real server process and
/// print its summary. Timings are not asserted; they mean nothing at this size and on a shared machine.
/// </summary>
[Collection(BenchCollection.Name)]
public sealed class BenchSmokeTests(ITestOutputHelper log)
{
    [Fact]
    public async Task List_RunsAtTinySize_AndPrintsItsSummary()
    {
        var output = await RunAsync(0, "list", "--n", "2000", "--runs", "3");

        Assert.Single(Regex.Matches(output, "^SUMMARY list: ", RegexOptions.Multiline));
        Assert.Contains("(f) tag ", output);
        Assert.Contains("server peak working set", output);
        AssertDataDirectoryDeleted(output);
    }

    [Fact]
    public async Task List_WithExplain_PrintsTheQueryPlans()
    {
        var output = await RunAsync(0, "list", "--n", "500", "--runs", "1", "--explain");

        Assert.Matches(@"plan: (SEARCH|SCAN) ", output);
        Assert.Contains("work: ", output);
        Assert.Single(Regex.Matches(output, "^SUMMARY list: ", RegexOptions.Multiline));
    }

    [Fact]
    public async Task Create_RunsForASecond_AndPrintsItsSummary()
    {
        var output = await RunAsync(0, "create", "--duration", "1", "--clients", "2");

        Assert.Single(Regex.Matches(output, "^SUMMARY create: ", RegexOptions.Multiline));
        Assert.Contains("GET /tasks/v1/?limit(1)&skipCount() (baseline, no write)", output);
        Assert.Matches(@"POST /tasks/v1/: [\d,]+/s .*; 0 errors", output);
    }

    [Fact]
    public async Task Api_RunsForASecond_AndPrintsItsSummary()
    {
        var output = await RunAsync(0, "api", "--duration", "1", "--rate", "20");

        Assert.Single(Regex.Matches(output, "^SUMMARY api: ", RegexOptions.Multiline));
        Assert.Matches(@"overhead \(round trip minus own time, same calls\): n=\d+", output);
        Assert.Contains(", 0 errors,", output);
    }

    [Fact]
    public async Task Dispatch_RunsTinyBatch_AndPrintsItsSummary()
    {
        var output = await RunAsync(0, "dispatch", "--n", "200");

        Assert.Single(Regex.Matches(output, "^SUMMARY dispatch: n=200, ", RegexOptions.Multiline));
        Assert.Matches(@"200 of 200 complete, 0 failed", output);
        Assert.Matches(@"200 succeeded in [\d.]+ s: [\d,]+ jobs/s", output);
        Assert.Contains("server peak working set", output);
    }

    [Fact]
    public async Task Lag_RunsForThreeSeconds_AndPrintsItsSummary()
    {
        var output = await RunAsync(0, "lag", "--duration", "3", "--rate", "10");

        Assert.Single(Regex.Matches(output, "^SUMMARY lag: 30 tasks at 10/s over 3 s, ", RegexOptions.Multiline));
        Assert.Contains("30 of 30 ran", output);
        Assert.Contains("server peak working set", output);
    }

    [Fact]
    public async Task Live_RunsForTwoSeconds_AndPrintsItsSummary()
    {
        var output = await RunAsync(0, "live", "--duration", "2");

        Assert.Single(Regex.Matches(output, "^SUMMARY live: ", RegexOptions.Multiline));
        Assert.Matches(@"(\d+) of \1 expected changes received", output);
        Assert.Contains("server peak working set", output);
    }

    [Fact]
    public async Task Flow_RunsTinySweep_AndRunsEveryDueTask()
    {
        var output = await RunAsync(0, "flow", "--duration", "1", "--clients", "2", "--due-share", "0,100");

        Assert.Single(Regex.Matches(output, @"^SUMMARY flow: 2 clients, 1 s per share; 0% due [\d,]+ creates/s .*; 100% due ", RegexOptions.Multiline));
        Assert.Equal(2, Regex.Matches(output, @"POST /tasks/v1/: [1-9][\d,]*/s .*; 0 errors").Count);
        var due = Regex.Match(output, @"due tasks: ([\d,]+) of ([\d,]+) complete, 0 failed");
        Assert.True(due.Success, "the 100% share reports its due tasks");
        Assert.Equal(due.Groups[2].Value, due.Groups[1].Value);
        Assert.NotEqual("0", due.Groups[1].Value);
        // Lag cannot be negative: a task is never started before its start time.
        Assert.Matches(@"start lag \(in progress - startTimestamp\) of the [1-9][\d,]* due tasks created in the window: p50 \d", output);
        Assert.Matches(@"claims: [1-9]", output);
        Assert.Matches(@"([\d,]+) of \1 jobs performed", output);
        Assert.Equal(2, Regex.Matches(output, "server peak working set").Count);
    }

    [Fact]
    public async Task Flow_InRounds_JudgesTheTrickleOnTheMedianOfEachRoundsRatio()
    {
        var output = await RunAsync(0, "flow", "--duration", "1", "--clients", "2", "--due-share", "0,10", "--runs", "2");

        Assert.Equal(4, Regex.Matches(output, @"POST /tasks/v1/: [1-9][\d,]*/s .*; 0 errors").Count);
        Assert.Single(Regex.Matches(output, @"^-- 10% due now, round 2 of 2$", RegexOptions.Multiline));
        var ratios = Regex.Match(output, @"^10% due over 0% due, creates/s, round by round: (\d+)%, (\d+)%; median (\d+)%$", RegexOptions.Multiline);
        Assert.True(ratios.Success, "the rounds' ratios are reported");
        var median = (int.Parse(ratios.Groups[1].Value) + int.Parse(ratios.Groups[2].Value)) / 2.0;
        Assert.InRange(int.Parse(ratios.Groups[3].Value), Math.Floor(median) - 1, Math.Ceiling(median) + 1);
        Assert.Single(Regex.Matches(output, @"^SUMMARY flow: 2 clients, 1 s per share, 2 rounds .*; 10% due at \d+% of 0% due \(median of 2 rounds\); ",
            RegexOptions.Multiline));
    }

    [Fact]
    public async Task Soak_RunsForSixSecondsAtALowRate_AndReportsEverySampleAndBothVerdicts()
    {
        var output = await RunAsync(0, "soak", "--duration", "6", "--rate", "20", "--sample", "1");

        Assert.Single(Regex.Matches(output, @"^SUMMARY soak: 20 tasks/s for 6 s, 6 samples; RSS [\d,]+ MiB -> [\d,]+ MiB .*; p99 [\d.]+ ms -> [\d.]+ ms .*; 0 errors -> ",
            RegexOptions.Multiline));
        // One row a second, the first in the warm-up, each with every figure.
        Assert.Single(Regex.Matches(output, @"^  1 s \(warm-up\): ", RegexOptions.Multiline));
        Assert.Equal(6, Regex.Matches(output, @"^  \d s( \(warm-up\))?: \d+ \d+ \d+ \d+ \d+ 0 \| [\d.]+ ms / [\d.]+ ms \| ([\d.]+ ms|-) / ([\d.]+ ms|-) \| [\d,]+ MiB, [\d,]+ MiB, [\d,]+ MiB, \d+, \d+, (live|none)$",
            RegexOptions.Multiline).Count);
        Assert.Single(Regex.Matches(output, @"^\| t +\| created/s +\| completed/s +\| retried/s +\| failed/s ", RegexOptions.Multiline));
        // The mix ran: tasks completed, a failure retried and another failed, read over the live connection.
        var throughput = Regex.Match(output, @"^throughput: ([\d,]+) created/s, ([\d,]+) completed/s, ([\d,]+) retried/s, ([\d,]+) failed/s, ([\d,]+) lists/s", RegexOptions.Multiline);
        Assert.True(throughput.Success, "the scenario reports its throughput after the warm-up");
        Assert.NotEqual("0", throughput.Groups[1].Value);
        Assert.NotEqual("0", throughput.Groups[2].Value);
        Assert.NotEqual("0", throughput.Groups[3].Value);
        Assert.NotEqual("0", throughput.Groups[4].Value);
        Assert.Matches(@"(?m)^RSS: median [\d,]+ MiB -> [\d,]+ MiB \([+-][\d,.]+ ?%; the first sample after warm-up -> the last\), slope [+-][\d,]+ MiB/h, samples [\d,]+ MiB to [\d,]+ MiB$", output);
        Assert.Matches(@"(?m)^RSS anon: median [\d,]+ MiB -> [\d,]+ MiB \([+-][\d,.]+ ?%; the first sample after warm-up -> the last\), slope [+-][\d,]+ MiB/h$", output);
        Assert.Matches(@"(?m)^p99 drift: all API calls [\d.]+ ms -> [\d.]+ ms \([+-][\d,.]+ ?%; the first sample after warm-up -> the last\); creates .*; single windows from [\d.]+ ms to [\d.]+ ms$", output);
        Assert.Matches(@"(?m)^handles: \d+ after warm-up -> \d+ at the end", output);
        Assert.Matches(@"(?m)^GC heap: [\d,]+ MiB after warm-up -> [\d,]+ MiB at the end", output);
        Assert.Matches(@"(?m)^console: (/tasks live at 6 of 6 samples|none open)$", output);
        Assert.Contains("RSS growth after warm-up", output);
    }

    [Fact]
    public async Task Feed_RunsForTwoSecondsOnPostgres_AndNeitherNodeBNorTheHubClientLosesAChange()
    {
        var output = await RunAsync(0, "feed", "--duration", "2", "--rate", "100", "--postgres", PostgresServer.AdminConnectionString);

        Assert.Single(Regex.Matches(output, "^SUMMARY feed: ", RegexOptions.Multiline));
        var counts = Regex.Match(output,
            @"([\d,]+) changes published on A; node B shown ([\d,]+) .*, 0 lost, 0 twice; node C's hub client received ([\d,]+), 0 lost, 0 twice");
        Assert.True(counts.Success, "the scenario reports what it published and what node B and the hub client received");
        Assert.NotEqual("0", counts.Groups[1].Value);
        Assert.Equal(counts.Groups[1].Value, counts.Groups[2].Value);
        Assert.Equal(counts.Groups[1].Value, counts.Groups[3].Value);
        Assert.Matches(@"payloads: [1-9][\d,]* notifications", output);
    }

    [Fact]
    public async Task List_OnPostgres_SeedsByCopy_AndShowsPostgresPlans()
    {
        var output = await RunAsync(0, "list", "--n", "2000", "--runs", "3", "--explain", "--store", "postgres", "--postgres", PostgresServer.AdminConnectionString);

        Assert.Contains("store: PostgreSQL", output);
        Assert.Matches(@"seeded 2,000 tasks \+ [\d,]+ tag rows", output);
        Assert.Single(Regex.Matches(output, @"^SUMMARY list: n=2,000 \(PostgreSQL\), ", RegexOptions.Multiline));
        Assert.Matches(@"plan: .*(Index|Seq) ", output);
        AssertDataDirectoryDeleted(output);
    }

    [Fact]
    public async Task Dispatch_OnPostgresWithNodes_CountsEachTaskInvokedOnceAtTheFunction()
    {
        var output = await RunAsync(0, "dispatch", "--n", "200", "--store", "postgres", "--nodes", "1", "--postgres", PostgresServer.AdminConnectionString);

        Assert.Single(Regex.Matches(output, @"^SUMMARY dispatch: n=200, .* on PostgreSQL, 1 node\(s\); 0 invoked more than once", RegexOptions.Multiline));
        Assert.Contains("at the function: 200 of 200 tasks invoked exactly once; 0 invoked more than once (0 extra invocations), 0 never invoked", output);
        Assert.Matches(@"200 succeeded in [\d.]+ s: [\d,]+ jobs/s", output);
        Assert.Contains("on Hangfire.PostgreSql", output);
    }

    [Fact]
    public async Task Feed_WithoutPostgres_SaysItDidNotRun()
    {
        var output = await RunAsync(0, "feed", "--duration", "1");

        Assert.Contains("SUMMARY feed: not run, needs --postgres", output);
    }

    [Theory]
    [InlineData("nonsense")]
    [InlineData("feed", "--postgres", "no-connection-string")]
    [InlineData("list", "--n", "0")]
    [InlineData("create", "--bogus", "1")]
    [InlineData("lag", "--rate", "0")]
    [InlineData("live", "--set", "NoEqualsSign")]
    [InlineData("flow", "--due-share", "101")]
    [InlineData("flow", "--due-share", "10,x")]
    [InlineData("list", "--store", "mysql")]
    [InlineData("dispatch", "--nodes", "2")]
    [InlineData("soak", "--sample", "0")]
    [InlineData("dispatch", "--nodes", "0", "--store", "postgres", "--postgres", "Host=localhost")]
    public async Task BadArguments_AreAUsageError(params string[] args)
    {
        var output = await RunAsync(2, args);

        Assert.Contains("Usage: dotnet run -c Release --project TasksConsole.Bench", output);
        Assert.DoesNotContain("SUMMARY", output);
    }

    private async Task<string> RunAsync(int expectedExitCode, params string[] args)
    {
        using var writer = new StringWriter();
        var exitCode = await BenchRunner.RunAsync(args, writer);
        var output = writer.ToString();
        log.WriteLine(output);
        Assert.DoesNotContain("FAILED", output);
        Assert.Equal(expectedExitCode, exitCode);
        return output;
    }

    private static void AssertDataDirectoryDeleted(string output)
    {
        var directory = Regex.Match(output, @"^seeding [\d,]+ tasks into (\S+)$", RegexOptions.Multiline).Groups[1].Value;
        Assert.NotEmpty(directory);
        Assert.False(Directory.Exists(directory), $"{directory} should have been deleted");
    }
}
