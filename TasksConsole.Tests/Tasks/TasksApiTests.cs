using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using TasksConsole.Core.Auth;
using TasksConsole.Tests.Infrastructure;

namespace TasksConsole.Tests.Tasks;

public class TasksApiTests(TasksConsoleFactory factory) : IClassFixture<TasksConsoleFactory>
{
    private static readonly string Future = DateTimeOffset.UtcNow.AddDays(1).ToString("O");

    [Fact]
    public async Task Create_ReturnsTheFullTask_WithDefaults()
    {
        var client = await factory.CreateClientAsync(Role.Operator);

        var response = await client.PostAsJsonAsync("/tasks/v1/", new { functionName = "hello", startTimestamp = Future });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var task = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Matches("^[0-9a-f]{24}$", task.GetProperty("id").GetString());
        Assert.Equal("hello", task.GetProperty("functionName").GetString());
        Assert.Equal("new", task.GetProperty("status").GetString());
        Assert.Equal(0, task.GetProperty("priority").GetInt64());
        Assert.Equal(JsonValueKind.Object, task.GetProperty("data").ValueKind);
        Assert.Empty(task.GetProperty("tags").EnumerateArray());
        Assert.EndsWith("Z", task.GetProperty("creationTimestamp").GetString());
        Assert.False(task.TryGetProperty("error", out _), "a new task has no error field");
        Assert.False(string.IsNullOrEmpty(task.GetProperty("createdByUserId").GetString()));
    }

    [Fact]
    public async Task Create_ReturnsDataVerbatim_AndKeepsTagsAndPriority()
    {
        var client = await factory.CreateClientAsync(Role.Operator);
        const string body = """{"functionName":"hello","data":{"Snake_Key":1,"nested":{"a b":[1,2.5,"ü"]}},"priority":7,"tags":["x","y"],"startTimestamp":"2099-01-01T00:00:00.000Z"}""";

        var response = await client.PostAsync("/tasks/v1/", new StringContent(body, Encoding.UTF8, "application/json"));
        var task = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal("""{"Snake_Key":1,"nested":{"a b":[1,2.5,"ü"]}}""", task.GetProperty("data").GetRawText());
        Assert.Equal(7, task.GetProperty("priority").GetInt64());
        Assert.Equal(["x", "y"], task.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!).ToArray());
        Assert.Equal("2099-01-01T00:00:00.000Z", task.GetProperty("startTimestamp").GetString());
    }

    [Theory]
    [InlineData("""{"data":{}}""", 14)]
    [InlineData("""{"functionName":"has space"}""", 15)]
    [InlineData("""{"functionName":42}""", 15)]
    [InlineData("""{"functionName":"f","data":[1]}""", 15)]
    [InlineData("""{"functionName":"f","priority":1.5}""", 15)]
    [InlineData("""{"functionName":"f","priority":"high"}""", 15)]
    [InlineData("""{"functionName":"f","priority":9007199254740992}""", 15)]
    [InlineData("""{"functionName":"f","startTimestamp":"tomorrow"}""", 15)]
    [InlineData("""{"functionName":"f","tags":"a"}""", 15)]
    [InlineData("""{"functionName":"f","tags":[""]}""", 15)]
    [InlineData("""{"functionName":"f","tags":[1]}""", 15)]
    [InlineData("""{"functionName":""", 22)]
    [InlineData("""[1,2]""", 22)]
    [InlineData("", 13)]
    public async Task Create_RejectsBadInput_WithTheSpecsErrorCode(string body, int expectedCode)
    {
        var client = await factory.CreateClientAsync(Role.Operator);

        var response = await client.PostAsync("/tasks/v1/", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(expectedCode, error.GetProperty("code").GetInt32());
        Assert.EndsWith("_EXCEPTION", error.GetProperty("name").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task Create_RejectsData_LargerThan250KB()
    {
        var client = await factory.CreateClientAsync(Role.Operator);
        var big = new string('x', 251 * 1024);

        var response = await client.PostAsJsonAsync("/tasks/v1/", new { functionName = "f", data = new { big } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(15, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Create_RejectsBodies_LargerThanTheLimit_WithA4xx()
    {
        var client = await factory.CreateClientAsync(Role.Operator);
        var huge = new string('x', 2 * 1024 * 1024);

        var response = await client.PostAsJsonAsync("/tasks/v1/", new { functionName = "f", data = new { huge } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(22, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Cancel_MovesANewTaskToCanceled_AndRefusesASecondCancel()
    {
        var client = await factory.CreateClientAsync(Role.Operator);
        var id = await CreateAsync(client, new { functionName = "hello", startTimestamp = Future });

        var first = await client.PostAsJsonAsync($"/tasks/v1/{id}/cancel", new { });
        var second = await client.PostAsJsonAsync($"/tasks/v1/{id}/cancel", new { });

        Assert.Equal(1, (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("affectedRecords").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
        Assert.Equal(27, (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetInt32());
        var found = await FindAsync(client, $"eq(id,{id})");
        Assert.Equal("canceled", found.GetProperty("data")[0].GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("0123456789abcdef01234567", HttpStatusCode.NotFound, 16)]
    [InlineData("not-an-id", HttpStatusCode.BadRequest, 12)]
    public async Task Cancel_ReportsUnknownAndMalformedIds(string id, HttpStatusCode status, int code)
    {
        var client = await factory.CreateClientAsync(Role.Operator);

        var response = await client.PostAsJsonAsync($"/tasks/v1/{id}/cancel", new { });

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(code, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Find_FiltersByTagAndStatus_AndSortsByPriorityThenStart()
    {
        var client = await factory.CreateClientAsync(Role.Operator);
        var tag = "find-" + Guid.NewGuid().ToString("N")[..8];
        var low = await CreateAsync(client, new { functionName = "f", priority = 1, tags = new[] { tag }, startTimestamp = "2099-01-01T00:00:00Z" });
        var highLate = await CreateAsync(client, new { functionName = "f", priority = 5, tags = new[] { tag }, startTimestamp = "2099-01-02T00:00:00Z" });
        var highEarly = await CreateAsync(client, new { functionName = "f", priority = 5, tags = new[] { tag, "other" }, startTimestamp = "2099-01-01T00:00:00Z" });
        var canceled = await CreateAsync(client, new { functionName = "f", priority = 9, tags = new[] { tag }, startTimestamp = Future });
        await client.PostAsJsonAsync($"/tasks/v1/{canceled}/cancel", new { });
        await CreateAsync(client, new { functionName = "f", priority = 9, tags = new[] { "unrelated" }, startTimestamp = Future });

        var page = await FindAsync(client, $"eq(tags,{tag})&eq(status,new)&sort(-priority,+startTimestamp)");

        Assert.Equal([highEarly, highLate, low], page.GetProperty("data").EnumerateArray().Select(t => t.GetProperty("id").GetString()!).ToArray());
        Assert.Equal(3, page.GetProperty("page").GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task Find_EchoesTheEffectiveLimit_ClampedTo50_AndDefaultsTo20()
    {
        var client = await factory.CreateClientAsync(Role.Viewer);

        var clamped = await FindAsync(client, "limit(500,3)");
        var defaulted = await FindAsync(client, "");

        Assert.Equal(50, clamped.GetProperty("page").GetProperty("limit").GetInt32());
        Assert.Equal(3, clamped.GetProperty("page").GetProperty("offset").GetInt32());
        Assert.Equal(20, defaulted.GetProperty("page").GetProperty("limit").GetInt32());
        Assert.Equal(0, defaulted.GetProperty("page").GetProperty("offset").GetInt32());
    }

    [Fact]
    public async Task Find_LeavesOutTheTotal_UnderSkipCount_AndProjectsSelect()
    {
        var client = await factory.CreateClientAsync(Role.Operator);
        var id = await CreateAsync(client, new { functionName = "projected", startTimestamp = Future });

        var page = await FindAsync(client, $"eq(id,{id})&select(id,status)&skipCount()");

        Assert.False(page.GetProperty("page").TryGetProperty("total", out _));
        var item = page.GetProperty("data")[0];
        Assert.Equal(["id", "status"], item.EnumerateObject().Select(p => p.Name).ToArray());
    }

    [Theory]
    [InlineData("eq(status")]
    [InlineData("frobnicate(status,new)")]
    [InlineData("eq(nosuchfield,1)")]
    [InlineData("eq(status,sleeping)")]
    [InlineData("gt(priority,abc)")]
    public async Task Find_RejectsBadRql_WithCode19(string rql)
    {
        var client = await factory.CreateClientAsync(Role.Viewer);

        var response = await client.GetAsync("/tasks/v1/?" + rql);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(19, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Logs_ReturnsADataEnvelope_AndKnowsUnknownTasks()
    {
        var client = await factory.CreateClientAsync(Role.Operator);
        var id = await CreateAsync(client, new { functionName = "f", startTimestamp = Future });

        var logs = await client.GetFromJsonAsync<JsonElement>($"/tasks/v1/{id}/logs");
        var unknown = await client.GetAsync("/tasks/v1/0123456789abcdef01234567/logs");

        Assert.Equal(JsonValueKind.Array, logs.GetProperty("data").ValueKind);
        Assert.False(logs.TryGetProperty("page", out _));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Viewer_CanList_ButCannotCreateOrCancel()
    {
        var viewer = await factory.CreateClientAsync(Role.Viewer);
        var operatorClient = await factory.CreateClientAsync(Role.Operator);
        var id = await CreateAsync(operatorClient, new { functionName = "f", startTimestamp = Future });

        var list = await viewer.GetAsync("/tasks/v1/");
        var create = await viewer.PostAsJsonAsync("/tasks/v1/", new { functionName = "f" });
        var cancel = await viewer.PostAsJsonAsync($"/tasks/v1/{id}/cancel", new { });

        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal(10, (await create.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetInt32());
        Assert.Equal(10, (await cancel.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task CallersWithoutThePermission_AreRefused_BeforeTheirBodyIsRead()
    {
        var viewer = await factory.CreateClientAsync(Role.Viewer);
        var anonymous = factory.CreateClient();
        StringContent NotJson() => new("{not json", Encoding.UTF8, "application/json");

        var forbidden = await viewer.PostAsync("/tasks/v1/", NotJson());
        var unauthenticated = await anonymous.PostAsync("/tasks/v1/", NotJson());

        Assert.Equal(HttpStatusCode.Unauthorized, forbidden.StatusCode);
        Assert.Equal(10, (await forbidden.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetInt32());
        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
        Assert.Equal(104, (await unauthenticated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Anonymous_Calls_Get104()
    {
        var client = factory.CreateClient();

        var response = await client.GetAsync("/tasks/v1/");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(104, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task UnknownApiRoutes_AnswerInTheErrorShape()
    {
        var client = await factory.CreateClientAsync(Role.Viewer);

        var response = await client.GetAsync("/tasks/v1/nothing/here/at/all");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(16, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetInt32());
    }

    private static async Task<string> CreateAsync(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/tasks/v1/", body);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private static async Task<JsonElement> FindAsync(HttpClient client, string rql)
    {
        var response = await client.GetAsync("/tasks/v1/" + (rql.Length > 0 ? "?" + rql : ""));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}

/// <summary>Every tasks API test again, the app's store on PostgreSQL.</summary>
public sealed class PostgreSqlTasksApiTests(PostgreSqlTasksConsoleFactory factory)
    : TasksApiTests(factory), IClassFixture<PostgreSqlTasksConsoleFactory>;
