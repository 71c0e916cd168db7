using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TasksConsole.Core.Auth;
using TasksConsole.Tests.Infrastructure;

namespace TasksConsole.Tests.Tasks.Reruns;

public class RerunApiTests(TasksConsoleFactory factory) : IClassFixture<TasksConsoleFactory>
{
    private static readonly string Future = DateTimeOffset.UtcNow.AddDays(1).ToString("O");

    [Fact]
    public async Task AnOperator_RerunsByFilter_AndReadsTheJobUntilItIsComplete_ThenFindsTheCopiesByTheirOriginal()
    {
        var client = await factory.CreateClientAsync(Role.Operator);
        var tag = $"rerun-{Guid.NewGuid():N}";
        var canceled = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var id = await CreateAsync(client, tag);
            (await client.PostAsync($"/tasks/v1/{id}/cancel", null)).EnsureSuccessStatusCode();
            canceled.Add(id);
        }
        var stillNew = await CreateAsync(client, tag);

        var response = await client.PostAsJsonAsync($"/tasks/v1/rerun?eq(tags,{tag})", new { keepStartTimestamp = true, addTag = "again" });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var job = await response.Content.ReadFromJsonAsync<JsonElement>();
        // The filter comes back as canonical RQL, its values typed.
        Assert.Equal(("running", 3, $"eq(tags,string:{tag})"), (job.GetProperty("state").GetString(), job.GetProperty("total").GetInt32(), job.GetProperty("filter").GetString()));
        Assert.Equal($"/tasks/v1/reruns/{job.GetProperty("id").GetString()}", response.Headers.Location?.OriginalString);
        var done = await WaitForJobAsync(client, job.GetProperty("id").GetString()!);
        Assert.Equal(("complete", 3), (done.GetProperty("state").GetString(), done.GetProperty("created").GetInt32()));

        foreach (var original in canceled)
        {
            var copies = (await client.GetFromJsonAsync<JsonElement>($"/tasks/v1/?eq(rerunOfTaskId,{original})")).GetProperty("data");
            var copy = Assert.Single(copies.EnumerateArray());
            Assert.Equal(("new", original), (copy.GetProperty("status").GetString(), copy.GetProperty("rerunOfTaskId").GetString()));
            Assert.Equal([tag, "again"], copy.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!).ToArray());
        }
        var untouched = (await client.GetFromJsonAsync<JsonElement>($"/tasks/v1/?eq(rerunOfTaskId,{stillNew})")).GetProperty("data");
        Assert.Equal(0, untouched.GetArrayLength());
    }

    [Fact]
    public async Task AViewer_MayReadAJob_ButNotStartOrStopOne()
    {
        var operatorClient = await factory.CreateClientAsync(Role.Operator);
        var viewer = await factory.CreateClientAsync(Role.Viewer);
        var started = await (await operatorClient.PostAsync("/tasks/v1/rerun?eq(tags,nothing-matches)", null)).Content.ReadFromJsonAsync<JsonElement>();
        var id = started.GetProperty("id").GetString();

        // EXH answers a missing permission with 401 and NO_PERMISSION (10).
        foreach (var refused in new[] { await viewer.PostAsync("/tasks/v1/rerun?eq(tags,x)", null), await viewer.PostAsync($"/tasks/v1/reruns/{id}/stop", null) })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal(10, (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetInt32());
        }
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync($"/tasks/v1/reruns/{id}")).StatusCode);
    }

    [Theory]
    [InlineData("/tasks/v1/rerun?limit(5)", null, HttpStatusCode.BadRequest, 19)]
    [InlineData("/tasks/v1/rerun?eq(status", null, HttpStatusCode.BadRequest, 19)]
    [InlineData("/tasks/v1/rerun?eq(tags,x)", """{"addTag":""}""", HttpStatusCode.BadRequest, 15)]
    [InlineData("/tasks/v1/rerun?eq(tags,x)", """{"keepPriority":"yes"}""", HttpStatusCode.BadRequest, 15)]
    [InlineData("/tasks/v1/reruns/0123456789abcdef01234567/stop", null, HttpStatusCode.NotFound, 16)]
    public async Task BadRequests_AreAnsweredWithTheSpecsErrorBody(string path, string? body, HttpStatusCode status, int code)
    {
        var client = await factory.CreateClientAsync(Role.Operator);

        var response = await client.PostAsync(path, body is null ? null : new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(code, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task AnUnknownJob_IsNotFound()
    {
        var client = await factory.CreateClientAsync(Role.Viewer);

        var response = await client.GetAsync("/tasks/v1/reruns/0123456789abcdef01234567");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(16, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetInt32());
    }

    private static async Task<string> CreateAsync(HttpClient client, string tag)
    {
        var response = await client.PostAsJsonAsync("/tasks/v1/", new { functionName = "noop", startTimestamp = Future, tags = new[] { tag } });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private static async Task<JsonElement> WaitForJobAsync(HttpClient client, string id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var job = await client.GetFromJsonAsync<JsonElement>($"/tasks/v1/reruns/{id}");
            if (job.GetProperty("state").GetString() != "running") return job;
            if (DateTime.UtcNow > deadline) Assert.Fail($"The re-run job is still running after 60 s: {job}");
            await Task.Delay(50);
        }
    }
}

/// <summary>Every re-run API test again, the app's store on PostgreSQL.</summary>
public sealed class PostgreSqlRerunApiTests(PostgreSqlTasksConsoleFactory app) : RerunApiTests(app), IClassFixture<PostgreSqlTasksConsoleFactory>;
