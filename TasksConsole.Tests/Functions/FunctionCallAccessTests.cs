using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Execution.LocalRuntime;
using TasksConsole.Tests.ApiFunctions;
using TasksConsole.Tests.Infrastructure;

namespace TasksConsole.Tests.Functions;

/// <summary>
/// Calling functions over HTTP (direct execution and API functions): a caller who may not call a function cannot
/// tell whether it exists, and calls that only a public or allUsers mode lets through are rate limited.
/// </summary>
public sealed class FunctionCallAccessTests(TasksConsoleFactory factory) : IClassFixture<TasksConsoleFactory>
{
    [Theory]
    [InlineData("execute")]
    [InlineData("api")]
    public async Task AnAnonymousCaller_GetsTheSameAnswer_ForAMissingFunction_AndOneItMayNotCall(string endpoint)
    {
        var admin = await factory.CreateClientAsync(Role.Admin);
        using var anonymous = factory.CreateClient();
        var existing = await ApiFunctionsApiTests.RegisterAsync(admin, "permissionRequired");
        var missing = existing.Replace("api-", "nop-", StringComparison.Ordinal);

        var forExisting = await CallAsync(anonymous, endpoint, existing);
        var forMissing = await CallAsync(anonymous, endpoint, missing);

        Assert.Equal(HttpStatusCode.Unauthorized, forExisting.Status);
        Assert.Equal(forExisting, forMissing);
        Assert.Equal(104, forExisting.Code);
    }

    [Theory]
    [InlineData("execute")]
    [InlineData("api")]
    public async Task ASignedInCallerWithoutThePermission_GetsTheSameAnswer_ForAMissingFunction_AndOneItMayNotCall(string endpoint)
    {
        var admin = await factory.CreateClientAsync(Role.Admin);
        var viewer = await factory.CreateClientAsync(Role.Viewer);
        var existing = await ApiFunctionsApiTests.RegisterAsync(admin, "permissionRequired");
        var missing = existing.Replace("api-", "nop-", StringComparison.Ordinal);

        var forExisting = await CallAsync(viewer, endpoint, existing);
        var forMissing = await CallAsync(viewer, endpoint, missing);

        Assert.Equal((HttpStatusCode.Unauthorized, 10), (forExisting.Status, forExisting.Code));
        Assert.Equal(forExisting with { Message = forExisting.Message.Replace(existing, "{name}", StringComparison.Ordinal) },
            forMissing with { Message = forMissing.Message.Replace(missing, "{name}", StringComparison.Ordinal) });
    }

    [Theory]
    [InlineData("execute")]
    [InlineData("api")]
    public async Task ACallerWithThePermission_LearnsThatAFunctionIsMissing(string endpoint)
    {
        var admin = await factory.CreateClientAsync(Role.Admin);

        var answer = await CallAsync(admin, endpoint, "no-such-function-at-all");

        Assert.Equal((HttpStatusCode.NotFound, 16), (answer.Status, answer.Code));
    }

    private static async Task<Answer> CallAsync(HttpClient client, string endpoint, string name)
    {
        var response = endpoint == "execute"
            ? await client.PostAsJsonAsync($"/tasks/v1/functions/{name}/execute", new { data = new { } })
            : await client.GetAsync($"/tasks/v1/api/{name}/hello");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return new Answer(response.StatusCode, body.GetProperty("code").GetInt32(), body.GetProperty("name").GetString()!,
            body.GetProperty("message").GetString()!);
    }

    private sealed record Answer(HttpStatusCode Status, int Code, string Name, string Message);
}

/// <summary>Each test runs its own app: the limit counts per client address, and the test server's callers share one.</summary>
public sealed class FunctionCallRateLimitTests
{
    private static TasksConsoleFactory LimitedTo(int permits) => new()
    {
        Settings = { ["FunctionCallLimit:PermitLimit"] = permits.ToString(System.Globalization.CultureInfo.InvariantCulture), ["FunctionCallLimit:Window"] = "00:10:00" },
    };

    [Fact]
    public async Task DirectExecutionOfAPublicFunction_BeyondTheLimit_Answers429_WithRetryAfter_AndTheExhBody()
    {
        await using var factory = LimitedTo(2);
        var admin = await factory.CreateClientAsync(Role.Admin);
        using var anonymous = factory.CreateClient();
        var name = await ApiFunctionsApiTests.RegisterAsync(admin, "public", LocalDemoFunctions.Echo);

        Assert.Equal(HttpStatusCode.OK, (await ExecuteAsync(anonymous, name)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ExecuteAsync(anonymous, name)).StatusCode);
        var refused = await ExecuteAsync(anonymous, name);

        await AssertLimitedAsync(refused);
        Assert.Equal(HttpStatusCode.OK, (await ExecuteAsync(admin, name)).StatusCode);
    }

    [Fact]
    public async Task AnAllUsersApiFunction_CalledByASignedInUserWithoutThePermission_IsLimited()
    {
        await using var factory = LimitedTo(2);
        var admin = await factory.CreateClientAsync(Role.Admin);
        var viewer = await factory.CreateClientAsync(Role.Viewer);
        var name = await ApiFunctionsApiTests.RegisterAsync(admin, "allUsers");

        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync($"/tasks/v1/api/{name}/hello")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync($"/tasks/v1/api/{name}/hello")).StatusCode);
        var refused = await viewer.GetAsync($"/tasks/v1/api/{name}/hello");

        await AssertLimitedAsync(refused);
        // A caller holding EXECUTE_API_FUNCTION is not limited.
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/tasks/v1/api/{name}/hello")).StatusCode);
    }

    [Fact]
    public async Task CallsToMissingFunctions_CountLikeAnyOther_SoTheLimitRevealsNothing()
    {
        await using var factory = LimitedTo(1);
        using var anonymous = factory.CreateClient();

        var first = await anonymous.GetAsync("/tasks/v1/api/no-such-function/hello");
        var second = await anonymous.GetAsync("/tasks/v1/api/no-such-function-either/hello");

        Assert.Equal(HttpStatusCode.Unauthorized, first.StatusCode);
        await AssertLimitedAsync(second);
    }

    [Fact]
    public async Task TheSettingsOfTheFormerPublicLimit_StillApply()
    {
        await using var factory = new TasksConsoleFactory
        {
            Settings = { ["ApiFunctions:PublicPermitLimit"] = "1", ["ApiFunctions:PublicWindow"] = "00:10:00" },
        };
        using var anonymous = factory.CreateClient();

        await anonymous.GetAsync("/tasks/v1/api/no-such-function/hello");

        await AssertLimitedAsync(await anonymous.GetAsync("/tasks/v1/api/no-such-function/hello"));
    }

    private static Task<HttpResponseMessage> ExecuteAsync(HttpClient client, string name) =>
        client.PostAsJsonAsync($"/tasks/v1/functions/{name}/execute", new { data = new { n = 1 } });

    private static async Task AssertLimitedAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.TooManyRequests, $"{(int)response.StatusCode}: {body}");
        var error = JsonDocument.Parse(body).RootElement;
        Assert.Equal((429, "TOO_MANY_REQUESTS_EXCEPTION"), (error.GetProperty("code").GetInt32(), error.GetProperty("name").GetString()));
        var retryAfter = response.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));
    }
}
