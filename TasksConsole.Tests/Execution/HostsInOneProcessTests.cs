using System.Net.Http.Json;
using System.Text.Json;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Data;
using TasksConsole.Tests.Infrastructure;
using TasksConsole.Tests.Webhooks;

namespace TasksConsole.Tests.Execution;

/// <summary>
/// Hangfire keeps its log provider in a process-wide static, set by the host configured last. A process that runs
/// several hosts (this suite, the bench) must keep running jobs when that host stops and disposes its logging.
/// </summary>
public sealed class HostsInOneProcessTests
{
    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.PostgreSql)]
    public async Task AHost_RunsItsTasks_AfterAHostStartedLater_HasStopped(StorageProvider provider)
    {
        await using var first = new TasksConsoleFactory { Provider = provider };
        var client = await first.CreateClientAsync(Role.Operator);
        await using (var later = new TasksConsoleFactory())
        {
            await later.CreateClientAsync(Role.Operator); // starts it: its logging is Hangfire's now
        }

        var id = await WebhookTestApi.CreateTaskAsync(client, "echo", new { message = "still running" });

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        string? status;
        do
        {
            var page = await client.GetFromJsonAsync<JsonElement>($"/tasks/v1/?eq(id,{id})");
            status = page.GetProperty("data")[0].GetProperty("status").GetString();
            if (status == "complete") return;
            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);
        Assert.Fail($"The task is still {status} after 60 s.\n{await EngineState.DescribeAsync(first)}");
    }
}
