using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Npgsql;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Execution;
using TasksConsole.Core.Execution.LocalRuntime;
using TasksConsole.Tests.Infrastructure;
using TasksConsole.Web.Api;

namespace TasksConsole.Tests.Data;

/// <summary>
/// The app with its SQLite store (and Hangfire's, beside it) on a small file system of the test's own, which fills up
/// or turns read-only while the app runs. Meanwhile writes answer 503 with the EXH error body saying why, reads keep
/// working, one Error is logged rather than one per request, and the app stays up; once the fault is cleared, writes
/// work again and every task the API acknowledged is still there, intact. The tasks start an hour from now, so they
/// must stay <c>new</c> throughout; a task run after the recovery shows execution (Hangfire included) recovered too.
/// </summary>
public sealed class StoreFaultTests
{
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(20);

    /// <summary>64 KB of data per task, so a few dozen tasks need fresh pages in the database and its WAL.</summary>
    private static readonly string Padding = new('x', 64 * 1024);

    [Fact]
    public async Task TheStoreFull_WritesAnswer503WithTheErrorBody_ReadsWork_AndAfterSpaceIsFreedNothingWasLost()
    {
        await using var disk = await SmallFileSystem.MountTmpfsAsync(megabytes: 24);
        await using var factory = Factory(disk);
        var client = await factory.CreateClientAsync(Role.Admin);
        var acknowledged = new Dictionary<string, int>();
        await CreateAsync(client, acknowledged, 3);
        // Due while the disk is full: the dispatcher and Hangfire (whose storage is on the same disk) meet the fault.
        var dueDuringFault = await CreateEchoAsync(client, DateTimeOffset.UtcNow.AddSeconds(2));

        await disk.FillAsync();
        // Writes that fit in pages the database already has may still succeed: keep writing until the disk says no.
        var refusal = await CreateUntilRefusedAsync(client, acknowledged);
        await AssertServiceUnavailableAsync(refusal, "its disk is full");
        await AssertReadsWorkAsync(client, acknowledged);
        // The disk stays full: every write meets it, and the log still has one Error for the operator.
        for (var i = 0; i < 5; i++) await AssertServiceUnavailableAsync(await PostTaskAsync(client, 1000 + i), "its disk is full");
        // The fault lasts a while: past the task's start, and a few rounds of the background writers.
        await Task.Delay(TimeSpan.FromSeconds(4));
        var read = await client.GetAsync("/tasks/v1/");
        Assert.True(read.StatusCode == HttpStatusCode.OK, $"A read during the fault answered {await DescribeAsync(read)}; the log:\n{Logged(factory)}");
        AssertLoggedOnce(factory);

        disk.Free();
        await CreateAgainAsync(client, acknowledged);
        await AssertAllThereIntactAsync(client, acknowledged);
        Assert.Equal("complete", await WaitForTerminalAsync(client, dueDuringFault));
        await AssertATaskRunsAsync(client);
    }

    [Fact]
    public async Task TheStoreTurnedReadOnly_WritesAnswer503WithTheErrorBody_ReadsWork_AndAfterRemountingNothingWasLost()
    {
        await using var disk = await SmallFileSystem.MountExt4Async(megabytes: 32);
        var acknowledged = new Dictionary<string, int>();
        await using (var factory = Factory(disk))
        {
            var client = await factory.CreateClientAsync(Role.Admin);
            await CreateAsync(client, acknowledged, 3);
            // No sync here: the file system drops what it had not written back when it turns read-only on an error
            // (as on power loss), and the store's default (synchronous=FULL) is what keeps acknowledged tasks.

            await disk.TurnReadOnlyAsync();
            var refusal = await CreateUntilRefusedAsync(client, acknowledged);
            await AssertServiceUnavailableAsync(refusal);
            await AssertReadsWorkAsync(client, acknowledged);
            for (var i = 0; i < 5; i++) await AssertServiceUnavailableAsync(await PostTaskAsync(client, 1000 + i));
            AssertLoggedOnce(factory);
        }

        // A file system that went read-only on an error comes back by being checked and mounted again, the app restarted.
        await disk.RemountAsync();
        await using (var factory = Factory(disk))
        {
            var client = await factory.CreateClientAsync(Role.Admin);
            await CreateAgainAsync(client, acknowledged);
            await AssertAllThereIntactAsync(client, acknowledged);
            await AssertATaskRunsAsync(client);
        }
    }

    [Fact]
    public async Task ThePostgreSqlDatabaseTurnedReadOnly_WritesAnswer503WithTheErrorBody_ReadsWork_AndAfterwardsNothingWasLost()
    {
        await using var database = await PostgresServer.CreateDatabaseAsync("storefault");
        await using var factory = new TasksConsoleFactory();
        foreach (var (key, value) in CoreBuilder.StoreSettings(database.ConnectionString)) factory.Settings[key] = value;
        factory.Settings["Execution:HeartbeatInterval"] = "00:00:00.2";
        var client = await factory.CreateClientAsync(Role.Admin);
        var acknowledged = new Dictionary<string, int>();
        await CreateAsync(client, acknowledged, 3);

        // As an operator or a failover does it: the database refuses writes from every new session, and the
        // sessions open now are ended (the app's pools reconnect and find it read-only).
        await SetReadOnlyAsync(database.Name, readOnly: true);
        var refusal = await CreateUntilRefusedAsync(client, acknowledged);
        await AssertServiceUnavailableAsync(refusal);
        await AssertReadsWorkAsync(client, acknowledged);
        for (var i = 0; i < 5; i++) await AssertServiceUnavailableAsync(await PostTaskAsync(client, 1000 + i), "the database is read-only");
        AssertLoggedOnce(factory);

        await SetReadOnlyAsync(database.Name, readOnly: false);
        await CreateAgainAsync(client, acknowledged);
        await AssertAllThereIntactAsync(client, acknowledged);
        await AssertATaskRunsAsync(client);
    }

    private static async Task SetReadOnlyAsync(string database, bool readOnly)
    {
        await using var admin = new NpgsqlConnection(PostgresServer.AdminConnectionString);
        await admin.OpenAsync();
        await using var command = admin.CreateCommand();
        command.CommandText = $"""
            ALTER DATABASE "{database}" SET default_transaction_read_only = {(readOnly ? "on" : "off")};
            SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = @database AND pid <> pg_backend_pid();
            """;
        command.Parameters.AddWithValue("database", database);
        await command.ExecuteNonQueryAsync();
    }

    private static TasksConsoleFactory Factory(SmallFileSystem disk)
    {
        var factory = new TasksConsoleFactory();
        factory.Settings["Storage:DataDirectory"] = disk.Path;
        // A beat every 200 ms: over a fault of a few seconds, a heartbeat that logged each failure would say so 20 times.
        factory.Settings["Execution:HeartbeatInterval"] = "00:00:00.2";
        return factory;
    }

    private static async Task CreateAsync(HttpClient client, Dictionary<string, int> acknowledged, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var response = await PostTaskAsync(client, acknowledged.Count);
            Assert.True(response.IsSuccessStatusCode, await DescribeAsync(response));
            await AcknowledgeAsync(response, acknowledged);
        }
    }

    /// <summary>Creates tasks until one is refused; each either is created or answers the store error, nothing else.</summary>
    private static async Task<HttpResponseMessage> CreateUntilRefusedAsync(HttpClient client, Dictionary<string, int> acknowledged)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var response = await PostTaskAsync(client, acknowledged.Count);
            if (!response.IsSuccessStatusCode) return response;
            await AcknowledgeAsync(response, acknowledged);
        }
        Assert.Fail("200 tasks were created on a store without space or write access.");
        return null!;
    }

    /// <summary>Right after the fault is cleared a write may still meet it once (a checkpoint catching up); soon they work.</summary>
    private static async Task CreateAgainAsync(HttpClient client, Dictionary<string, int> acknowledged)
    {
        var deadline = DateTime.UtcNow + Bounded;
        HttpResponseMessage response;
        do
        {
            response = await PostTaskAsync(client, acknowledged.Count);
            if (response.IsSuccessStatusCode)
            {
                await AcknowledgeAsync(response, acknowledged);
                return;
            }
            await AssertServiceUnavailableAsync(response);
            await Task.Delay(250);
        }
        while (DateTime.UtcNow < deadline);
        Assert.Fail($"Creating still fails {Bounded.TotalSeconds:0} s after the fault was cleared: {await DescribeAsync(response)}");
    }

    private static Task<HttpResponseMessage> PostTaskAsync(HttpClient client, int number) =>
        client.PostAsJsonAsync("/tasks/v1/", new
        {
            functionName = "store-fault",
            startTimestamp = DateTimeOffset.UtcNow.AddHours(1),
            data = new { number, padding = Padding },
        });

    /// <summary>Status and the start of the body: a created task echoes its 64 KB of padding.</summary>
    private static async Task<string> DescribeAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        return $"{(int)response.StatusCode} {(body.Length > 500 ? body[..500] + "…" : body)}";
    }

    private static async Task AcknowledgeAsync(HttpResponseMessage created, Dictionary<string, int> acknowledged)
    {
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        acknowledged.Add(id, acknowledged.Count);
    }

    private static async Task AssertServiceUnavailableAsync(HttpResponseMessage response, string? reason = null)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"Expected 503, got {await DescribeAsync(response)}");
        var error = JsonSerializer.Deserialize<ErrorBody>(body, JsonSerializerOptions.Web)!;
        Assert.Equal((4, "SERVICE_UNAVAILABLE_EXCEPTION"), (error.Code, error.Name));
        Assert.StartsWith("The service cannot store changes right now: ", error.Message);
        if (reason is not null) Assert.Contains(reason, error.Message);
        Assert.DoesNotContain("Exception", error.Message);
        Assert.NotNull(response.Headers.RetryAfter);
    }

    private static async Task AssertReadsWorkAsync(HttpClient client, Dictionary<string, int> acknowledged)
    {
        await AssertAllThereIntactAsync(client, acknowledged);
        var first = acknowledged.Keys.First();
        var one = await client.GetAsync($"/tasks/v1/?eq(id,{first})");
        Assert.True(one.IsSuccessStatusCode, await DescribeAsync(one));
    }

    /// <summary>Every acknowledged task, listed by the API, with the data it was created with, and still new.</summary>
    private static async Task AssertAllThereIntactAsync(HttpClient client, Dictionary<string, int> acknowledged)
    {
        var listed = new Dictionary<string, JsonElement>();
        for (var offset = 0; ; offset += 50)
        {
            var response = await client.GetAsync($"/tasks/v1/?eq(functionName,store-fault)&limit(50,{offset})");
            Assert.True(response.IsSuccessStatusCode, await DescribeAsync(response));
            var body = await response.Content.ReadAsStringAsync();
            var page = JsonDocument.Parse(body).RootElement.GetProperty("data").EnumerateArray().ToList();
            foreach (var task in page) listed.Add(task.GetProperty("id").GetString()!, task.Clone());
            if (page.Count < 50) break;
        }
        Assert.Equal(acknowledged.Keys.Order(), listed.Keys.Order());
        Assert.All(acknowledged, pair =>
        {
            var task = listed[pair.Key];
            Assert.Equal("new", task.GetProperty("status").GetString());
            Assert.Equal(pair.Value, task.GetProperty("data").GetProperty("number").GetInt32());
            Assert.True(Padding == task.GetProperty("data").GetProperty("padding").GetString(), $"The data of task {pair.Key} changed.");
        });
    }

    /// <summary>Everything the app logged at Warning and above, for a failure message.</summary>
    private static string Logged(TasksConsoleFactory factory) =>
        string.Join("\n", factory.Logs.Entries.Where(e => e.Level >= LogLevel.Warning).Select(e => $"{e.Level} {e.Category}: {e.Message} {e.Exception?.Message}"));

    /// <summary>
    /// One Error about the store from the API however many requests met it, and at most one from the dispatcher
    /// (whose rounds fail every second while the fault lasts): the operator is told, the log is not buried.
    /// </summary>
    private static void AssertLoggedOnce(TasksConsoleFactory factory)
    {
        var errors = factory.Logs.Entries.Where(e => e.Level >= LogLevel.Error).ToList();
        var api = errors.Where(e => e.Category == typeof(ApiExceptionHandler).FullName).ToList();
        Assert.True(api.Count == 1, $"Expected one Error about the store from the API, got:\n{string.Join("\n", api.Select(e => e.Message))}");
        Assert.Contains("The store cannot take writes", api[0].Message);
        var dispatcher = errors.Where(e => e.Category == typeof(TaskDispatcher).FullName).ToList();
        Assert.True(dispatcher.Count <= 1, $"The dispatcher logged {dispatcher.Count} Errors:\n{string.Join("\n", dispatcher.Select(e => e.Message))}");

        // Nor does any other writer (EF Core saves, the heartbeat, the audit trail's retries, Hangfire)
        // log every failure: a few lines each, however many writes met the fault.
        var bySource = factory.Logs.Entries
            .Where(e => e.Level >= LogLevel.Warning && !e.Message.StartsWith("Audit entry not stored", StringComparison.Ordinal))
            .GroupBy(Source)
            .Select(g => (Category: g.Key, Count: g.Count()))
            .OrderByDescending(g => g.Count)
            .ToList();
        var summary = string.Join("\n", bySource.Select(g => $"{g.Count} {g.Category}"));
        Assert.True(bySource.All(g => g.Count <= 3), $"Warnings and Errors by source during the fault:\n{summary}\n\nAll of them:\n{Logged(factory)}");
    }

    /// <summary>
    /// Who logged an entry, for counting: its category, and for Hangfire's distributed lock also the lock's name.
    /// Each of Hangfire's periodic components (the schedule poller, the recurring jobs) holds a lock of its own, and
    /// one that meets the fault while holding it logs twice (the release, then the next acquire): two locks give four
    /// lines, within "a few each", when their timers happen to fall inside the fault.
    /// </summary>
    private static string Source(LogEntry entry) =>
        entry.Category == "Hangfire.PostgreSql.PostgreSqlDistributedLock"
            ? $"{entry.Category} ({entry.Message.Split(": ", 2)[0]})"
            : entry.Category;

    /// <summary>The dispatcher and Hangfire, whose storage shares the file system, run a task end to end.</summary>
    private static async Task AssertATaskRunsAsync(HttpClient client) =>
        Assert.Equal("complete", await WaitForTerminalAsync(client, await CreateEchoAsync(client, DateTimeOffset.UtcNow)));

    /// <summary>A task of the built-in echo function, which runs in-process.</summary>
    private static async Task<string> CreateEchoAsync(HttpClient client, DateTimeOffset start)
    {
        var created = await client.PostAsJsonAsync("/tasks/v1/", new { functionName = LocalDemoFunctions.Echo, startTimestamp = start, data = new { } });
        Assert.True(created.IsSuccessStatusCode, await DescribeAsync(created));
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private static async Task<string?> WaitForTerminalAsync(HttpClient client, string id)
    {
        string? status = null;
        await Poll.UntilAsync(async () =>
        {
            var page = await client.GetFromJsonAsync<JsonElement>($"/tasks/v1/?eq(id,{id})");
            status = page.GetProperty("data")[0].GetProperty("status").GetString();
            return status is not ("new" or "inProgress");
        }, Bounded, $"task {id} to finish");
        return status;
    }
}
