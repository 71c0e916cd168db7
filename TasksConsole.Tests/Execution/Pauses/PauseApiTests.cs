using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using TasksConsole.Core.Auth;
using TasksConsole.Tests.Infrastructure;

namespace TasksConsole.Tests.Execution.Pauses;

/// <summary>
/// Pause and drain through REST, with the real engine: a pause keeps due tasks new while running ones finish, and a
/// resume (by hand or at its time) lets them run. The tests of one class run one after another, and each one that
/// pauses resumes before it ends, so a pause never leaks into the next.
/// </summary>
public class PauseApiTests(TasksConsoleFactory factory) : IClassFixture<TasksConsoleFactory>
{
    /// <summary>Longer than the dispatcher's fallback poll and the pause snapshot's age together: rounds have happened.</summary>
    private static readonly TimeSpan SeveralDispatchRounds = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task APausedFunction_KeepsItsTasksNew_WhileOthersRun_AndTheyRunOnceItIsResumed()
    {
        var client = await factory.CreateClientAsync(Role.Operator);
        var paused = await PostAsync(client, "/tasks/v1/functions/echo/pause", new { reason = "downstream API is down" });
        Assert.Equal(HttpStatusCode.OK, paused.StatusCode);
        try
        {
            var waiting = await CreateAsync(client, "echo", priority: 10);
            // A lower-priority task of another function, created after: it runs, so dispatch saw the paused one and left it.
            var other = await CreateAsync(client, "noop", priority: 0);
            Assert.Equal("complete", (await WaitForTerminalAsync(client, other)).GetProperty("status").GetString());
            Assert.Equal("new", await StatusAsync(client, waiting));

            var pauses = (await client.GetFromJsonAsync<JsonElement>("/tasks/v1/pauses")).GetProperty("data");
            var pause = Assert.Single(pauses.EnumerateArray());
            Assert.Equal(("echo", "downstream API is down", TasksConsoleFactory.EmailFor(Role.Operator)),
                (pause.GetProperty("functionName").GetString(), pause.GetProperty("reason").GetString(), pause.GetProperty("pausedBy").GetString()));
            Assert.False(pause.TryGetProperty("resumeTimestamp", out _), "a pause until resumed has no resume time");

            var resumed = await (await client.PostAsync("/tasks/v1/functions/echo/resume", null)).Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(1, resumed.GetProperty("affectedRecords").GetInt32());
            Assert.Equal("complete", (await WaitForTerminalAsync(client, waiting)).GetProperty("status").GetString());
        }
        finally
        {
            await client.PostAsync("/tasks/v1/functions/echo/resume", null);
        }
        Assert.Equal(0, (await client.GetFromJsonAsync<JsonElement>("/tasks/v1/pauses")).GetProperty("data").GetArrayLength());
    }

    [Fact]
    public async Task ThePausedService_LetsRunningTasksFinish_StartsNothingNew_AndResumes()
    {
        var client = await factory.CreateClientAsync(Role.Operator);
        var running = await CreateAsync(client, "sleep", data: new { ms = 1500 });
        await Poll.UntilAsync(async () => await StatusAsync(client, running) == "inProgress", TimeSpan.FromSeconds(60), "the sleep task to start");

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, "/tasks/v1/pause", new { reason = "database maintenance" })).StatusCode);
        try
        {
            var waiting = await CreateAsync(client, "noop");
            Assert.Equal("complete", (await WaitForTerminalAsync(client, running)).GetProperty("status").GetString());
            await Task.Delay(SeveralDispatchRounds);
            Assert.Equal("new", await StatusAsync(client, waiting));
            var pause = Assert.Single((await client.GetFromJsonAsync<JsonElement>("/tasks/v1/pauses")).GetProperty("data").EnumerateArray());
            Assert.False(pause.TryGetProperty("functionName", out _), "the service-wide pause names no function");

            (await client.PostAsync("/tasks/v1/resume", null)).EnsureSuccessStatusCode();
            Assert.Equal("complete", (await WaitForTerminalAsync(client, waiting)).GetProperty("status").GetString());
        }
        finally
        {
            await client.PostAsync("/tasks/v1/resume", null);
        }
    }

    [Fact]
    public async Task APauseWithAResumeTime_EndsByItself()
    {
        var client = await factory.CreateClientAsync(Role.Operator);
        var resumeAt = DateTimeOffset.UtcNow.AddSeconds(3);
        var body = await (await PostAsync(client, "/tasks/v1/pause", new { reason = "short freeze", resumeTimestamp = resumeAt })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(resumeAt.ToUnixTimeMilliseconds(), body.GetProperty("resumeTimestamp").GetDateTimeOffset().ToUnixTimeMilliseconds());
        try
        {
            var waiting = await CreateAsync(client, "noop");
            var shortlyBeforeTheEnd = resumeAt.AddMilliseconds(-500) - DateTimeOffset.UtcNow;
            if (shortlyBeforeTheEnd > TimeSpan.Zero) await Task.Delay(shortlyBeforeTheEnd);
            Assert.Equal("new", await StatusAsync(client, waiting));

            var done = await WaitForTerminalAsync(client, waiting);

            Assert.Equal("complete", done.GetProperty("status").GetString());
            Assert.True(done.GetProperty("statusChangedTimestamp").GetDateTimeOffset() >= resumeAt,
                $"finished at {done.GetProperty("statusChangedTimestamp")}, before the pause ended at {resumeAt:O}");
            Assert.Equal(0, (await client.GetFromJsonAsync<JsonElement>("/tasks/v1/pauses")).GetProperty("data").GetArrayLength());
        }
        finally
        {
            await client.PostAsync("/tasks/v1/resume", null);
        }
    }

    [Fact]
    public async Task AViewer_SeesPauses_ButMayNotPauseOrResume()
    {
        var viewer = await factory.CreateClientAsync(Role.Viewer);

        foreach (var path in new[] { "/tasks/v1/pause", "/tasks/v1/resume", "/tasks/v1/functions/echo/pause", "/tasks/v1/functions/echo/resume" })
        {
            var refused = await PostAsync(viewer, path, new { reason = "not mine to pause" });
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal(10, (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetInt32());
        }
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/tasks/v1/pauses")).StatusCode);
    }

    [Theory]
    [InlineData("/tasks/v1/pause", "{}", HttpStatusCode.BadRequest, 14)]
    [InlineData("/tasks/v1/pause", """{"reason":"   "}""", HttpStatusCode.BadRequest, 14)]
    [InlineData("/tasks/v1/pause", """{"reason":"x","resumeTimestamp":"2020-01-01T00:00:00Z"}""", HttpStatusCode.BadRequest, 15)]
    [InlineData("/tasks/v1/pause", """{"reason":"x","resumeTimestamp":"soon"}""", HttpStatusCode.BadRequest, 15)]
    [InlineData("/tasks/v1/pause", "", HttpStatusCode.BadRequest, 13)]
    [InlineData("/tasks/v1/functions/no-such-function/pause", """{"reason":"x"}""", HttpStatusCode.NotFound, 16)]
    [InlineData("/tasks/v1/functions/no-such-function/resume", null, HttpStatusCode.NotFound, 16)]
    public async Task BadRequests_AreAnsweredWithTheSpecsErrorBody(string path, string? body, HttpStatusCode status, int code)
    {
        var client = await factory.CreateClientAsync(Role.Operator);

        var response = await client.PostAsync(path, body is null ? null : new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(code, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetInt32());
        Assert.Equal(0, (await client.GetFromJsonAsync<JsonElement>("/tasks/v1/pauses")).GetProperty("data").GetArrayLength());
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string path, object body) => client.PostAsJsonAsync(path, body);

    private static async Task<string> CreateAsync(HttpClient client, string functionName, int priority = 0, object? data = null)
    {
        var response = await client.PostAsJsonAsync("/tasks/v1/", new { functionName, priority, data = data ?? new { } });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private static async Task<JsonElement> GetAsync(HttpClient client, string id) =>
        (await client.GetFromJsonAsync<JsonElement>($"/tasks/v1/?eq(id,{id})")).GetProperty("data")[0];

    private static async Task<string?> StatusAsync(HttpClient client, string id) => (await GetAsync(client, id)).GetProperty("status").GetString();

    private static async Task<JsonElement> WaitForTerminalAsync(HttpClient client, string id)
    {
        JsonElement task = default;
        await Poll.UntilAsync(async () =>
        {
            task = await GetAsync(client, id);
            return task.GetProperty("status").GetString() is "complete" or "failed" or "retried" or "canceled";
        }, TimeSpan.FromSeconds(60), $"task {id} to finish");
        return task;
    }
}

/// <summary>Every pause test again, the app's store on PostgreSQL.</summary>
public sealed class PostgreSqlPauseApiTests(PostgreSqlTasksConsoleFactory app) : PauseApiTests(app), IClassFixture<PostgreSqlTasksConsoleFactory>;
