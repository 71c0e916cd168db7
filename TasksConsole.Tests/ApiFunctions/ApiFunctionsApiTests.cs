using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Execution.LocalRuntime;
using TasksConsole.Tests.Infrastructure;
using TasksConsole.Tests.Rql;

namespace TasksConsole.Tests.ApiFunctions;

/// <summary>
/// API functions over real HTTP to the built-in local runtime and its <c>api-demo</c> function: the event it
/// receives, the responses it gives back, every way a call fails, permission modes, and the recorded requests.
/// </summary>
public class ApiFunctionsApiTests(TasksConsoleFactory factory) : IClassFixture<TasksConsoleFactory>
{
    private const string Api = "/tasks/v1/api/";
    private const string Requests = "/tasks/v1/apiRequests";

    [Fact]
    public async Task Get_AnswersWithTheFunctionsResponse_AndIsRecordedWithItsLogs()
    {
        var client = await factory.CreateClientAsync(Role.Admin);

        var response = await client.GetAsync(Api + "api-demo/hello?name=Ada");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Hello, Ada!", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString());

        var record = await WaitForRequestAsync(client, "api-demo", "/hello");
        Assert.Equal("GET", record.GetProperty("method").GetString());
        Assert.Equal(200, record.GetProperty("statusCode").GetInt32());
        Assert.True(record.GetProperty("duration").GetDouble() >= 0);
        Assert.False(record.TryGetProperty("error", out _));
        var id = record.GetProperty("id").GetString();
        var byId = await client.GetFromJsonAsync<JsonElement>($"{Requests}/{id}");
        Assert.Equal(record.GetProperty("timestamp").GetString(), byId.GetProperty("timestamp").GetString());
        var logs = await client.GetFromJsonAsync<JsonElement>($"{Requests}/{id}/logs");
        Assert.Contains(logs.GetProperty("data").EnumerateArray(), l => l.GetProperty("message").GetString()!.Contains("GET /hello?name=Ada"));
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    [InlineData("DELETE")]
    public async Task EveryMethod_ReachesTheFunction_WithPathQueryAndTheServersIdentityHeaders(string method)
    {
        var client = await factory.CreateClientAsync(Role.Admin);
        var request = new HttpRequestMessage(new HttpMethod(method), Api + "api-demo/echo/a%20b?x=1&y=two")
        {
            Content = new StringContent("""{"hello":"world"}""", Encoding.UTF8, "application/json"),
        };
        // Forged identity headers must never reach the function.
        request.Headers.Add("X-Exh-Requesting-User-Id", "000000000000000000000000");
        request.Headers.Add("X-Exh-Requesting-Application-Id", "forged");
        request.Headers.Add("X-Custom", "kept");

        var echo = await ReadOkAsync(await client.SendAsync(request));

        Assert.Equal(method, echo.GetProperty("method").GetString());
        Assert.Equal("/echo/a%20b", echo.GetProperty("path").GetString());
        Assert.Equal("?x=1&y=two", echo.GetProperty("query").GetString());
        Assert.Equal("world", echo.GetProperty("body").GetProperty("hello").GetString());
        Assert.False(echo.GetProperty("isBase64Encoded").GetBoolean());
        var adminId = (await factory.GetTokensAsync(TasksConsoleFactory.AdminEmail, TasksConsoleFactory.AdminPassword)).UserId;
        Assert.Equal(adminId, echo.GetProperty("userId").GetString());
        Assert.Equal(TasksConsoleFactory.ClientId, echo.GetProperty("applicationId").GetString());
    }

    [Fact]
    public async Task ABinaryBody_TravelsAsBase64()
    {
        var client = await factory.CreateClientAsync(Role.Admin);
        var bytes = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");

        var echo = await ReadOkAsync(await client.PostAsync(Api + "api-demo/echo", content));

        Assert.True(echo.GetProperty("isBase64Encoded").GetBoolean());
        Assert.Equal(256, echo.GetProperty("bodyBytes").GetInt32());
        Assert.Equal(Convert.ToBase64String(bytes), echo.GetProperty("body").GetString());
    }

    [Fact]
    public async Task TheFunctionsOwn4xx_IsPassedThrough()
    {
        var client = await factory.CreateClientAsync(Role.Admin);

        var response = await client.GetAsync(Api + "api-demo/no-such-route");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("No route", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString());
    }

    [Fact]
    public async Task AFunctionError_AnswersLambdaRuntimeError_AndIsRecordedAsRuntime()
    {
        var client = await factory.CreateClientAsync(Role.Admin);

        var error = await ReadErrorAsync(await client.GetAsync(Api + "api-demo/fail"), 1406);

        Assert.Equal("LAMBDA_RUNTIME_EXCEPTION", error.GetProperty("name").GetString());
        var record = await WaitForRequestAsync(client, "api-demo", "/fail");
        Assert.Equal("runtime", record.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal("ApiDemoFailure", record.GetProperty("error").GetProperty("name").GetString());
        Assert.Equal(400, record.GetProperty("statusCode").GetInt32());
    }

    [Theory]
    [InlineData("/invalid")]
    [InlineData("/status/503")]
    [InlineData("/status/199")]
    public async Task AnInvalidResult_AnswersInvalidApiFunctionResult_AndIsRecordedAsResponse(string path)
    {
        var client = await factory.CreateClientAsync(Role.Admin);

        await ReadErrorAsync(await client.GetAsync(Api + "api-demo" + path), 1409);

        var record = await WaitForRequestAsync(client, "api-demo", path);
        Assert.Equal("response", record.GetProperty("error").GetProperty("type").GetString());
    }

    [Fact]
    public async Task ALambdaThatDoesNotExist_AnswersLambdaInvocationError_AndIsRecordedAsInvocation()
    {
        var admin = await factory.CreateClientAsync(Role.Admin);
        var name = await RegisterAsync(admin, "allUsers", lambdaFunctionName: "no-such-lambda");

        await ReadErrorAsync(await admin.GetAsync(Api + name + "/anything"), 1405);

        var record = await WaitForRequestAsync(admin, name, "/anything");
        Assert.Equal("invocation", record.GetProperty("error").GetProperty("type").GetString());
    }

    [Fact]
    public async Task AnUnknownFunction_Answers404_AndIsNotRecorded()
    {
        var client = await factory.CreateClientAsync(Role.Admin);

        await ReadErrorAsync(await client.GetAsync(Api + "no-such-function/x"), 16, HttpStatusCode.NotFound);

        var page = await client.GetFromJsonAsync<JsonElement>($"{Requests}?eq(functionName,no-such-function)");
        Assert.Equal(0, page.GetProperty("page").GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task PermissionRequired_NeedsExecuteApiFunction()
    {
        var admin = await factory.CreateClientAsync(Role.Admin);
        var viewer = await factory.CreateClientAsync(Role.Viewer);
        using var anonymous = factory.CreateClient();
        var name = await RegisterAsync(admin, "permissionRequired");

        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(Api + name + "/hello")).StatusCode);
        await ReadErrorAsync(await viewer.GetAsync(Api + name + "/hello"), 10, HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(Api + name + "/hello")).StatusCode);
    }

    [Fact]
    public async Task AllUsers_LetsAnySignedInCallerIn_ButNoAnonymousOne()
    {
        var admin = await factory.CreateClientAsync(Role.Admin);
        var viewer = await factory.CreateClientAsync(Role.Viewer);
        using var anonymous = factory.CreateClient();
        var name = await RegisterAsync(admin, "allUsers");

        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync(Api + name + "/hello")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(Api + name + "/hello")).StatusCode);
    }

    [Fact]
    public async Task Public_LetsAnyoneIn_WithoutAnIdentity()
    {
        var admin = await factory.CreateClientAsync(Role.Admin);
        using var anonymous = factory.CreateClient();
        var name = await RegisterAsync(admin, "public");

        var echo = await ReadOkAsync(await anonymous.GetAsync(Api + name + "/echo"));

        Assert.Equal(JsonValueKind.Null, echo.GetProperty("userId").ValueKind);
        var record = await WaitForRequestAsync(admin, name, "/echo");
        Assert.False(record.TryGetProperty("userId", out _));
    }

    [Fact]
    public async Task ApiRequests_AreListedWithRql_AndNeedTheirPermissions()
    {
        var admin = await factory.CreateClientAsync(Role.Admin);
        var viewer = await factory.CreateClientAsync(Role.Viewer);
        var name = await RegisterAsync(admin, "allUsers");
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"{Api}{name}/hello?n={i}")).StatusCode);
        await WaitUntilAsync(async () => (await admin.GetFromJsonAsync<JsonElement>($"{Requests}?eq(functionName,{name})"))
            .GetProperty("page").GetProperty("total").GetInt64() == 3);

        var page = await admin.GetFromJsonAsync<JsonElement>($"{Requests}?eq(functionName,{name})&sort(+timestamp)&limit(2,1)");

        Assert.Equal((3, 1, 2), (page.GetProperty("page").GetProperty("total").GetInt64(), page.GetProperty("page").GetProperty("offset").GetInt32(),
            page.GetProperty("page").GetProperty("limit").GetInt32()));
        Assert.Equal(2, page.GetProperty("data").GetArrayLength());
        var id = page.GetProperty("data")[0].GetProperty("id").GetString();
        await ReadErrorAsync(await viewer.GetAsync(Requests), 10, HttpStatusCode.Unauthorized);
        await ReadErrorAsync(await viewer.GetAsync($"{Requests}/{id}/logs"), 10, HttpStatusCode.Unauthorized);
        await ReadErrorAsync(await admin.GetAsync($"{Requests}/not-an-id"), 12, HttpStatusCode.BadRequest);
        await ReadErrorAsync(await admin.GetAsync($"{Requests}/0123456789abcdef01234567/logs"), 16, HttpStatusCode.NotFound);
        await ReadErrorAsync(await admin.GetAsync($"{Requests}?eq(nope,1)"), 19, HttpStatusCode.BadRequest);
    }

    [Fact]
    public void TheDemoFunction_IsServedByTheLocalRuntime_ForAnySignedInUser()
    {
        var demo = LocalDemoFunctions.All.Single(f => f.Name == LocalDemoFunctions.ApiDemo);
        Assert.Equal("allUsers", demo.PermissionMode);
    }

    /// <summary>Registers a function served by the demo API function under a new name, with the given mode.</summary>
    internal static async Task<string> RegisterAsync(HttpClient admin, string permissionMode, string lambdaFunctionName = LocalDemoFunctions.ApiDemo)
    {
        var name = $"api-{permissionMode}-{Guid.NewGuid():N}"[..30];
        var response = await admin.PostAsJsonAsync("/tasks/v1/functions/", new
        {
            name,
            lambdaFunctionName,
            executionOptions = new { permissionMode },
        });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return name;
    }

    internal static async Task<JsonElement> WaitForRequestAsync(HttpClient client, string functionName, string path)
    {
        JsonElement found = default;
        await WaitUntilAsync(async () =>
        {
            var page = await client.GetFromJsonAsync<JsonElement>(
                $"{Requests}?eq(functionName,{RqlTestEncoding.SdkEncoded(functionName)})&eq(path,{RqlTestEncoding.SdkEncoded(path)})&limit(1)");
            if (page.GetProperty("data").GetArrayLength() == 0) return false;
            found = page.GetProperty("data")[0];
            return true;
        });
        return found;
    }

    /// <summary>A request is recorded just after its answer is sent, so readers poll for it.</summary>
    internal static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), "the API request was not recorded within 30 s");
            await Task.Delay(25);
        }
    }

    private static async Task<JsonElement> ReadOkAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    private static async Task<JsonElement> ReadErrorAsync(HttpResponseMessage response, int code, HttpStatusCode status = HttpStatusCode.BadRequest)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        var error = JsonDocument.Parse(body).RootElement;
        Assert.Equal(code, error.GetProperty("code").GetInt32());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        return error;
    }
}

/// <summary>The same calls and records with the store on PostgreSQL.</summary>
public sealed class PostgreSqlApiFunctionsApiTests(PostgreSqlTasksConsoleFactory factory)
    : ApiFunctionsApiTests(factory), IClassFixture<PostgreSqlTasksConsoleFactory>;

/// <summary>Anonymous calls to public functions are rate limited per address (here with the earlier settings' names); callers holding EXECUTE_API_FUNCTION are not.</summary>
public sealed class PublicApiFunctionRateLimitTests
{
    [Fact]
    public async Task TheCallBeyondTheLimit_Answers429_WithTheExhBody()
    {
        await using var factory = new TasksConsoleFactory
        {
            Settings = { ["ApiFunctions:PublicPermitLimit"] = "2", ["ApiFunctions:PublicWindow"] = "00:10:00" },
        };
        var admin = await factory.CreateClientAsync(Role.Admin);
        using var anonymous = factory.CreateClient();
        var name = await ApiFunctionsApiTests.RegisterAsync(admin, "public");

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/tasks/v1/api/{name}/hello")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/tasks/v1/api/{name}/hello")).StatusCode);
        var refused = await anonymous.GetAsync($"/tasks/v1/api/{name}/hello");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(429, (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetInt32());
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/tasks/v1/api/{name}/hello")).StatusCode);
    }
}
