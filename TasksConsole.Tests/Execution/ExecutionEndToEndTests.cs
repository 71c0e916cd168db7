using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Data;
using TasksConsole.Tests.Infrastructure;

namespace TasksConsole.Tests.Execution;

/// <summary>
/// The whole path on the embedded defaults: REST create, the dispatcher, a real Hangfire server on SQLite, and
/// real signed HTTP to the built-in local function runtime and its demo functions.
/// </summary>
public class ExecutionEndToEndTests(TasksConsoleFactory factory) : IClassFixture<TasksConsoleFactory>
{
    [Fact]
    public async Task AnEchoTask_Completes_WithItsLogs()
    {
        var client = await factory.CreateClientAsync(Role.Operator);

        var id = await CreateAsync(client, "echo", new { message = "hi" });
        var task = await WaitForTerminalAsync(client, id);
        var logs = await client.GetFromJsonAsync<JsonElement>($"/tasks/v1/{id}/logs");

        Assert.Equal("complete", task.GetProperty("status").GetString());
        Assert.Contains(logs.GetProperty("data").EnumerateArray(), line => line.GetProperty("message").GetString()!.StartsWith("START"));
    }

    [Fact]
    public async Task AFailingTask_IsFailed_WithTheFunctionsErrorName()
    {
        var client = await factory.CreateClientAsync(Role.Operator);

        var id = await CreateAsync(client, "fail", new { errorName = "PaymentDeclined", message = "card expired" });
        var task = await WaitForTerminalAsync(client, id);

        Assert.Equal("failed", task.GetProperty("status").GetString());
        var error = task.GetProperty("error");
        Assert.Equal(("runtime", "PaymentDeclined", "card expired"),
            (error.GetProperty("type").GetString(), error.GetProperty("name").GetString(), error.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task AFlakyTask_IsRetried_UntilItSucceeds_AndTheChainIsLinked()
    {
        var client = await factory.CreateClientAsync(Role.Operator);

        var firstId = await CreateAsync(client, "flaky", new { failTimes = 2 });
        var first = await WaitForTerminalAsync(client, firstId);
        Assert.Equal("retried", first.GetProperty("status").GetString());
        var secondId = first.GetProperty("retriedByTaskId").GetString()!;
        var second = await WaitForTerminalAsync(client, secondId);
        var thirdId = second.GetProperty("retriedByTaskId").GetString()!;
        var third = await WaitForTerminalAsync(client, thirdId);

        Assert.Equal("complete", third.GetProperty("status").GetString());
        Assert.Equal([firstId, secondId], third.GetProperty("retryForTaskIds").EnumerateArray().Select(x => x.GetString()!).ToArray());
    }

    [Fact]
    public async Task ATaskThatOverrunsItsTimeLimit_FailsWithTheRuntimesTimeout()
    {
        var client = await factory.CreateClientAsync(Role.Operator);

        var id = await CreateAsync(client, "timeout", new { });
        var task = await WaitForTerminalAsync(client, id, TimeSpan.FromSeconds(30));

        Assert.Equal("failed", task.GetProperty("status").GetString());
        Assert.Equal("Sandbox.Timedout", task.GetProperty("error").GetProperty("name").GetString());
    }

    [Fact]
    public async Task TheHub_PushesStatusChanges_AndTaskFailedEvents()
    {
        var tokens = await factory.GetTokensAsync(TasksConsoleFactory.AdminEmail, TasksConsoleFactory.AdminPassword);
        var client = factory.CreateBearerClient(tokens.AccessToken);
        var statuses = new System.Collections.Concurrent.ConcurrentQueue<(string Id, string Status)>();
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(factory.Server.BaseAddress, "/hubs/tasks"), options =>
            {
                options.HttpMessageHandlerFactory = _ => factory.Server.CreateHandler();
                options.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.LongPolling;
                options.AccessTokenProvider = () => Task.FromResult<string?>(tokens.AccessToken);
            })
            .Build();
        hub.On<JsonElement>("TaskChanged", change => statuses.Enqueue((change.GetProperty("taskId").GetString()!, change.GetProperty("status").GetString()!)));
        hub.On<JsonElement>("TaskFailed", failure => failures.Enqueue(failure.GetProperty("content").GetProperty("id").GetString()!));
        await hub.StartAsync();

        var id = await CreateAsync(client, "fail", new { });
        await WaitForTerminalAsync(client, id);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!failures.Contains(id) && DateTime.UtcNow < deadline) await Task.Delay(50);

        var seen = statuses.Where(s => s.Id == id).Select(s => s.Status).ToList();
        Assert.Equal(["new", "inProgress", "failed"], seen);
        Assert.Contains(id, failures);
    }

    [Fact]
    public async Task TheHub_RefusesAnonymousClients()
    {
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(factory.Server.BaseAddress, "/hubs/tasks"), options =>
            {
                options.HttpMessageHandlerFactory = _ => factory.Server.CreateHandler();
                options.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.LongPolling;
            })
            .Build();

        await Assert.ThrowsAnyAsync<Exception>(() => hub.StartAsync());
    }

    private static async Task<string> CreateAsync(HttpClient client, string function, object data)
    {
        var response = await client.PostAsJsonAsync("/tasks/v1/", new { functionName = function, data });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>
    /// A liveness bound, not a speed check (the Bench measures speed): generous because the first tasks of a class
    /// run while a whole loaded CI machine starts its servers, stores and job storages at once.
    /// </summary>
    private static readonly TimeSpan TerminalPatience = TimeSpan.FromSeconds(60);

    private async Task<JsonElement> WaitForTerminalAsync(HttpClient client, string id, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TerminalPatience);
        JsonElement task;
        do
        {
            var page = await client.GetFromJsonAsync<JsonElement>($"/tasks/v1/?eq(id,{id})");
            task = page.GetProperty("data")[0];
            if (task.GetProperty("status").GetString() is not ("new" or "inProgress")) return task;
            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);
        Assert.Fail($"Task {id} is still {task.GetProperty("status").GetString()} after {(timeout ?? TerminalPatience).TotalSeconds} s.\n" +
                    await EngineState.DescribeAsync(factory));
        return task;
    }
}

/// <summary>Every end-to-end execution test again, the app's store and Hangfire's on PostgreSQL.</summary>
public sealed class PostgreSqlExecutionEndToEndTests(PostgreSqlTasksConsoleFactory app)
    : ExecutionEndToEndTests(app), IClassFixture<PostgreSqlTasksConsoleFactory>
{
    [Fact]
    public async Task Jobs_live_in_the_hangfire_schema_of_the_store_database()
    {
        Assert.IsType<Hangfire.PostgreSql.PostgreSqlStorage>(app.Services.GetRequiredService<Hangfire.JobStorage>());
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<TasksDbContext>>().CreateDbContextAsync();
        var tables = await db.Database.SqlQueryRaw<string>(
            "SELECT table_name AS \"Value\" FROM information_schema.tables WHERE table_schema = 'hangfire'").ToListAsync();
        Assert.Contains("job", tables);
        Assert.Contains("jobqueue", tables);
    }
}
