using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using TasksConsole.Tests.Infrastructure;

namespace TasksConsole.Tests.Auth;

/// <summary>With <c>Auth:OAuthClients</c> set, only listed clients may get tokens, and confidential ones need their secret.</summary>
public sealed class OAuthClientsTests : IAsyncLifetime
{
    private readonly TasksConsoleFactory _factory = new()
    {
        Settings =
        {
            ["Auth:OAuthClients:0:ClientId"] = "console-sdk",
            ["Auth:OAuthClients:1:ClientId"] = "backend",
            ["Auth:OAuthClients:1:ClientSecret"] = "backend-secret",
        },
    };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task AListedPublicClient_GetsTokens()
    {
        var response = await PostPasswordGrantAsync(clientId: "console-sdk");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("console-sdk", TasksConsoleFactory.ReadTokenPair(await response.Content.ReadAsStringAsync()).ApplicationId);
    }

    [Fact]
    public async Task AnUnlistedClient_IsRefused()
    {
        await AuthAssert.OAuthErrorAsync(await PostPasswordGrantAsync(clientId: "stranger"), "invalid_client", 123);
    }

    [Fact]
    public async Task NoClientId_IsRefused()
    {
        await AuthAssert.OAuthErrorAsync(await PostPasswordGrantAsync(clientId: null), "invalid_client", 126);
    }

    [Fact]
    public async Task AConfidentialClient_NeedsItsSecret()
    {
        await AuthAssert.OAuthErrorAsync(await PostPasswordGrantAsync(clientId: "backend"), "invalid_client", 126);
        await AuthAssert.OAuthErrorAsync(await PostPasswordGrantAsync(clientId: "backend", clientSecret: "wrong"), "invalid_client", 124);

        var response = await PostPasswordGrantAsync(clientId: "backend", clientSecret: "backend-secret");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AConfidentialClient_MayAuthenticateWithHttpBasic_AsTheSdkDoes()
    {
        using var client = _factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("backend:backend-secret")));

        var response = await client.PostAsJsonAsync(TasksConsoleFactory.TokenPath, new Dictionary<string, string>
        {
            ["client_id"] = "backend",
            ["client_secret"] = "backend-secret",
            ["grant_type"] = "password",
            ["username"] = TasksConsoleFactory.AdminEmail,
            ["password"] = TasksConsoleFactory.AdminPassword,
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<HttpResponseMessage> PostPasswordGrantAsync(string? clientId, string? clientSecret = null)
    {
        using var client = _factory.CreateClient();
        var body = new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["username"] = TasksConsoleFactory.AdminEmail,
            ["password"] = TasksConsoleFactory.AdminPassword,
        };
        if (clientId is not null) body["client_id"] = clientId;
        if (clientSecret is not null) body["client_secret"] = clientSecret;
        return await client.PostAsJsonAsync(TasksConsoleFactory.TokenPath, body);
    }
}
