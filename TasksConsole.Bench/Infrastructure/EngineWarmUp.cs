namespace TasksConsole.Bench.Infrastructure;

/// <summary>
/// Runs a few no-op tasks through the whole engine before anything is measured: the first task after start-up
/// pays for JIT compilation in the dispatcher, Hangfire, the Lambda client, the local runtime and the outcome writer.
/// </summary>
internal static class EngineWarmUp
{
    public const string FunctionName = "noop";
    public const string Tag = "bench-warm-up";

    public static async Task RunAsync(
        ApiClient api, ServerProcess server, int count, TextWriter output, CancellationToken cancellationToken, string functionName = FunctionName)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await api.CreateTasksAsync(Enumerable.Range(0, count).Select(i => ApiClient.TaskBody(functionName, Tag, i)), 4, cancellationToken);
        var result = await TaskWatcher.WaitForAsync(api, server, Tag, count, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(60), cancellationToken);
        if (result.Failed > 0)
        {
            var (_, failed) = await api.GetAsync($"/tasks/v1/?eq(tags,{RqlValues.Encode(Tag)})&eq(status,failed)&limit(3)", cancellationToken);
            throw new InvalidOperationException(
                $"{result.Failed} of {count} warm-up tasks on '{functionName}' failed, e.g. {System.Text.Encoding.UTF8.GetString(failed)}. " +
                $"The server's last output:{Environment.NewLine}{server.RecentOutput()}");
        }
        output.WriteLine($"warm-up: {count} tasks on '{functionName}' created and run in {clock.Elapsed.TotalSeconds:0.0} s");
    }
}
