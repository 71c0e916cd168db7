using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TasksConsole.Core.Auth;
using TasksConsole.Tests.Infrastructure;

namespace TasksConsole.Tests.Functions;

/// <summary>
/// With <c>Functions:RequireRegistration</c> on, a task or schedule naming a function the registry does not know is
/// refused when it is created, with the EXH error body, and nothing is stored.
/// </summary>
public sealed class RequireRegistrationTests : IAsyncLifetime
{
    private readonly TasksConsoleFactory _factory = new();
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _factory.Settings["Functions:RequireRegistration"] = "true";
        _client = await _factory.CreateClientAsync(Role.Admin);
    }

    public Task DisposeAsync() => _factory.DisposeAsync().AsTask();

    [Fact]
    public async Task ATaskForAnUnregisteredFunction_IsRefusedNamingIt_AndNothingIsStored()
    {
        var response = await _client.PostAsJsonAsync("/tasks/v1/", new { functionName = "not-registered", tags = new[] { "refused" } });

        var error = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal((16, "RESOURCE_UNKNOWN_EXCEPTION"), (error.GetProperty("code").GetInt32(), error.GetProperty("name").GetString()));
        Assert.Contains("'not-registered'", error.GetProperty("message").GetString());
        var stored = await _client.GetFromJsonAsync<JsonElement>("/tasks/v1/?eq(functionName,not-registered)");
        Assert.Empty(stored.GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task ATaskForARegisteredFunction_IsAccepted()
    {
        var registered = await _client.PostAsJsonAsync("/tasks/v1/functions/", new { name = "registered", lambdaFunctionName = "registered", timeLimit = 5 });
        Assert.True(registered.IsSuccessStatusCode, await registered.Content.ReadAsStringAsync());

        var response = await _client.PostAsJsonAsync("/tasks/v1/", new { functionName = "registered", startTimestamp = DateTimeOffset.UtcNow.AddDays(1) });

        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AScheduleForAnUnregisteredFunction_IsRefused_AndNothingIsStored()
    {
        var response = await _client.PostAsJsonAsync("/tasks/v1/schedules", new { functionName = "no-such-function", interval = 60 });

        var error = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("'no-such-function'", error.GetProperty("message").GetString());
        var stored = await _client.GetFromJsonAsync<JsonElement>("/tasks/v1/schedules?eq(functionName,no-such-function)");
        Assert.Empty(stored.GetProperty("data").EnumerateArray());
    }
}
