using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using TasksConsole.Bench.Infrastructure;

namespace TasksConsole.Bench.Scenarios;

/// <summary>
/// Re-run by filter: <c>--n</c> failed tasks (100,000 by default) re-run through <c>POST /tasks/v1/rerun</c>, from the
/// request to the job's completion, while other tasks fall due and run. Target: at least 2,000 copies/s; the
/// dispatch rate of the other tasks during the re-run is reported beside it.
/// </summary>
/// <remarks>
/// The failed tasks belong to a disabled function, so their copies wait (new) instead of joining the dispatch being
/// measured: the rate reported is that of the other due tasks, 20,000 seeded to fall due as the re-run starts.
/// </remarks>
internal sealed class RerunScenario : IBenchScenario
{
    private const int DefaultTasks = 100_000;
    private const int OtherDueTasks = 20_000;
    private const double TargetPerSecond = 2_000;
    private const string FailedTag = "bench-rerun-failed";
    private const string OtherTag = "bench-rerun-other";
    private const string HeldFunction = "bench-rerun-held";

    public string Name => "rerun";

    public string Description => "re-run --n failed tasks by filter over REST while other tasks run; target >= 2,000 copies/s";

    public async Task<ScenarioResult> RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var output = context.Output;
        var count = context.Options.N ?? DefaultTasks;
        using var data = TempDirectory.Create("rerun");
        await using var store = await BenchStore.CreateAsync(context.Options, data.Combine("server"), "rerun", cancellationToken);
        await using var server = await store.StartServerAsync(context, cancellationToken, 0);
        using var api = await ApiClient.SignInAsync(server, cancellationToken);
        await EngineWarmUp.RunAsync(api, server, 100, output, cancellationToken);
        await RegisterDisabledAsync(api, cancellationToken);

        var seeding = Stopwatch.StartNew();
        store.SeedDue(count, HeldFunction, DateTimeOffset.UtcNow.AddHours(-1), FailedTag, cancellationToken, status: "Failed");
        output.WriteLine($"store: {store.Name}; seeded {count:N0} failed tasks of the disabled function '{HeldFunction}' in {seeding.Elapsed.TotalSeconds:0.0} s");

        var otherDue = DateTimeOffset.UtcNow.AddSeconds(2);
        store.SeedDue(OtherDueTasks, EngineWarmUp.FunctionName, otherDue, OtherTag, cancellationToken);
        var wait = otherDue - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.Zero) await Task.Delay(wait, cancellationToken);

        var cpuBefore = server.CpuTime();
        var started = DateTimeOffset.UtcNow;
        using var response = await api.Http.PostAsync($"/tasks/v1/rerun?eq(tags,{FailedTag})", null, cancellationToken);
        var job = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"POST /tasks/v1/rerun answered {(int)response.StatusCode}: {job}");
        var id = job.GetProperty("id").GetString();
        var accepted = DateTimeOffset.UtcNow - started;
        while (job.GetProperty("state").GetString() == "running")
        {
            await Task.Delay(100, cancellationToken);
            job = await api.Http.GetFromJsonAsync<JsonElement>($"/tasks/v1/reruns/{id}", cancellationToken);
        }
        var finished = DateTimeOffset.UtcNow;
        var cpu = server.CpuTime() - cpuBefore;
        var elapsed = finished - started;
        var created = job.GetProperty("created").GetInt64();
        var perSecond = created / elapsed.TotalSeconds;
        output.WriteLine($"re-run job {job.GetProperty("state").GetString()}: {created:N0} of {job.GetProperty("total").GetInt64():N0} copied in " +
                         $"{elapsed.TotalSeconds:0.0} s from the request ({perSecond:N0} copies/s; the request itself, which counts them, took {accepted.TotalMilliseconds:N0} ms)");
        if (cpu is { } used) output.WriteLine($"  server CPU: {used.TotalSeconds:0.0} s ({used.TotalSeconds / elapsed.TotalSeconds:0.00} of {Environment.ProcessorCount} cores)");

        var start = started.ToUnixTimeMilliseconds();
        var end = finished.ToUnixTimeMilliseconds();
        var others = store.ReadTimings(OtherTag);
        var during = others.Where(t => t.IsComplete && t.StatusChanged >= start && t.StatusChanged <= end).ToList();
        var doneDuring = during.Count;
        // Over the time they took (they may all finish well before the re-run does), not over the whole re-run.
        var busy = TimeSpan.FromMilliseconds(Math.Max(1, (during.Count > 0 ? during.Max(t => t.StatusChanged) : end) - start));
        var dispatchRate = doneDuring / busy.TotalSeconds;
        var leftAtEnd = others.Count(t => !t.IsFinished || t.StatusChanged > end);
        output.WriteLine($"  other due tasks meanwhile: {doneDuring:N0} completed during the re-run, the last {busy.TotalSeconds:0.0} s after it began " +
                         $"({dispatchRate:N0} tasks/s); {leftAtEnd:N0} of {OtherDueTasks:N0} still to finish at its end");

        var met = perSecond >= TargetPerSecond && created == count;
        var figures = new List<ScenarioFigure>
        {
            new("copies/s, request to job complete", $"{perSecond:N0} ({created:N0} of {count:N0} in {elapsed.TotalSeconds:0.0} s)", $">= {TargetPerSecond:N0}/s, all copied", met),
            new("dispatch of other due tasks during the re-run", $"{dispatchRate:N0} tasks/s ({doneDuring:N0} completed)"),
        };
        var summary = $"SUMMARY rerun: n={count:N0} on {store.Name}, {perSecond:N0} copies/s; other tasks dispatched at {dispatchRate:N0}/s meanwhile -> {(met ? "target met" : "target missed")}";
        return new ScenarioResult(Name, figures, summary);
    }

    private static async Task RegisterDisabledAsync(ApiClient api, CancellationToken cancellationToken)
    {
        using var created = await api.Http.PostAsJsonAsync("/tasks/v1/functions/", new { name = HeldFunction, timeLimit = 30 }, cancellationToken);
        using var disabled = await api.Http.PostAsync($"/tasks/v1/functions/{HeldFunction}/disable", null, cancellationToken);
        if (!created.IsSuccessStatusCode || !disabled.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Registering the disabled function '{HeldFunction}' answered {(int)created.StatusCode} and {(int)disabled.StatusCode}.");
        }
    }
}
