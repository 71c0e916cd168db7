using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Tasks;
using TasksConsole.Tests.Infrastructure;

namespace TasksConsole.Tests.Execution.Waiting;

public class WaitingApiTests(TasksConsoleFactory factory) : IClassFixture<TasksConsoleFactory>
{
    [Fact]
    public async Task AFutureTask_WaitsForItsStart_InWordsAndAsAReason()
    {
        var viewer = await factory.CreateClientAsync(Role.Viewer);
        var id = await CreateAsync(await factory.CreateClientAsync(Role.Operator), "noop", DateTimeOffset.UtcNow.AddHours(2));

        var wait = await viewer.GetFromJsonAsync<JsonElement>($"/tasks/v1/{id}/waiting");

        Assert.Equal(["startsLater"], Strings(wait, "reasons"));
        Assert.StartsWith("It waits for its start time", Strings(wait, "explanation").Single());
        Assert.Equal(1, wait.GetProperty("dispatchingNodes").GetInt32());
    }

    [Fact]
    public async Task ATaskOfAPausedFunction_SaysWhoPausedItAndWhy()
    {
        var client = await factory.CreateClientAsync(Role.Operator);
        (await client.PostAsJsonAsync("/tasks/v1/functions/echo/pause", new { reason = "vendor outage" })).EnsureSuccessStatusCode();
        try
        {
            var id = await CreateAsync(client, "echo", start: null);

            var wait = await client.GetFromJsonAsync<JsonElement>($"/tasks/v1/{id}/waiting");

            Assert.Equal("paused", Strings(wait, "reasons")[0]);
            Assert.Equal("vendor outage", wait.GetProperty("pause").GetProperty("reason").GetString());
            Assert.Equal($"Its function echo is paused by {TasksConsoleFactory.EmailFor(Role.Operator)}: vendor outage. It lasts until someone resumes it.",
                Strings(wait, "explanation")[0]);
        }
        finally
        {
            await client.PostAsync("/tasks/v1/functions/echo/resume", null);
        }
    }

    [Fact]
    public async Task ATaskThatIsNotNew_UnknownOrMalformed_IsAnsweredWithTheSpecsErrorBody()
    {
        var client = await factory.CreateClientAsync(Role.Operator);
        var canceled = await CreateAsync(client, "noop", DateTimeOffset.UtcNow.AddHours(2));
        (await client.PostAsync($"/tasks/v1/{canceled}/cancel", null)).EnsureSuccessStatusCode();

        foreach (var (path, status, code) in new[]
        {
            ($"/tasks/v1/{canceled}/waiting", HttpStatusCode.BadRequest, 27),
            ("/tasks/v1/0123456789abcdef01234567/waiting", HttpStatusCode.NotFound, 16),
            ("/tasks/v1/not-an-id/waiting", HttpStatusCode.BadRequest, 12),
        })
        {
            var response = await client.GetAsync(path);
            Assert.Equal(status, response.StatusCode);
            Assert.Equal(code, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetInt32());
        }
    }

    [Fact]
    public async Task ATaskRunningPastItsTimeLimit_IsListedAsStuck()
    {
        var viewer = await factory.CreateClientAsync(Role.Viewer);
        // Past the default time limit (30 s) of a function the registry does not know, and within the zombie grace (60 s).
        var ids = await StoredTasks.AddAsync(factory.Services, 1, new NewTask("deployed-elsewhere"), TaskState.InProgress,
            t => t.ExecutionStartTimestamp = DateTimeOffset.UtcNow.AddSeconds(-45));

        var stuck = (await viewer.GetFromJsonAsync<JsonElement>("/tasks/v1/stuck")).GetProperty("data");

        var task = Assert.Single(stuck.EnumerateArray(), t => t.GetProperty("id").GetString() == ids[0]);
        Assert.Equal(("deployed-elsewhere", "timeLimit", 30.0),
            (task.GetProperty("functionName").GetString(), task.GetProperty("threshold").GetString(), task.GetProperty("boundSeconds").GetDouble()));
        Assert.InRange(task.GetProperty("runningSeconds").GetDouble(), 45, 600);
    }

    [Fact]
    public async Task BothEndpoints_NeedToBeSignedIn()
    {
        var anonymous = factory.CreateClient();

        foreach (var path in new[] { "/tasks/v1/stuck", "/tasks/v1/0123456789abcdef01234567/waiting" })
        {
            var response = await anonymous.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal(104, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetInt32());
        }
    }

    private static string[] Strings(JsonElement body, string name) =>
        body.GetProperty(name).EnumerateArray().Select(e => e.GetString()!).ToArray();

    private static async Task<string> CreateAsync(HttpClient client, string functionName, DateTimeOffset? start)
    {
        var response = await client.PostAsJsonAsync("/tasks/v1/", new { functionName, startTimestamp = start });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }
}
