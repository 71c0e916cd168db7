using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TasksConsole.Core.Auth;
using TasksConsole.Tests.Infrastructure;

namespace TasksConsole.Tests.Auth;

public class OAuthTokenEndpointTests(TasksConsoleFactory factory) : IClassFixture<TasksConsoleFactory>
{
    private const string TokenPath = TasksConsoleFactory.TokenPath;

    [Fact]
    public async Task PasswordGrant_ReturnsTheTokenShapeTheSdkReads()
    {
        using var client = factory.CreateClient();

        var response = await client.PostAsJsonAsync(TokenPath, new Dictionary<string, string>
        {
            ["client_id"] = "sdk-app",
            ["grant_type"] = "password",
            ["username"] = TasksConsoleFactory.AdminEmail.ToUpperInvariant(),
            ["password"] = TasksConsoleFactory.AdminPassword,
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        Assert.Equal("bearer", root.GetProperty("token_type").GetString());
        Assert.Equal(300, root.GetProperty("expires_in").GetDouble());
        Assert.Equal("sdk-app", root.GetProperty("application_id").GetString());
        Assert.Matches("^[0-9a-f]{24}$", root.GetProperty("user_id").GetString());
        var access = root.GetProperty("access_token").GetString()!;
        var refresh = root.GetProperty("refresh_token").GetString()!;
        Assert.Matches("^[A-Za-z0-9_-]{43}$", access);
        Assert.Matches("^[A-Za-z0-9_-]{43}$", refresh);
        Assert.NotEqual(access, refresh);
    }

    [Fact]
    public async Task PasswordGrant_AcceptsAFormEncodedRequest()
    {
        using var client = factory.CreateClient();

        var response = await client.PostAsync(TokenPath, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["username"] = TasksConsoleFactory.AdminEmail,
            ["password"] = TasksConsoleFactory.AdminPassword,
        }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var tokens = TasksConsoleFactory.ReadTokenPair(await response.Content.ReadAsStringAsync());
        Assert.Null(tokens.ApplicationId);
    }

    [Fact]
    public async Task PasswordGrant_WithAWrongPassword_AnswersInvalidGrant()
    {
        using var client = factory.CreateClient();

        var response = await client.PostAsJsonAsync(TokenPath, new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["username"] = TasksConsoleFactory.AdminEmail,
            ["password"] = "not-the-password",
        });

        await AuthAssert.OAuthErrorAsync(response, "invalid_grant", 106);
    }

    [Fact]
    public async Task PasswordGrant_ForAnUnknownEmail_AnswersLikeAWrongPassword()
    {
        using var client = factory.CreateClient();

        var response = await client.PostAsJsonAsync(TokenPath, new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["username"] = "nobody@test.local",
            ["password"] = "whatever-password",
        });

        await AuthAssert.OAuthErrorAsync(response, "invalid_grant", 106);
    }

    [Fact]
    public async Task UnsupportedGrantType_AnswersUnsupportedGrantType()
    {
        using var client = factory.CreateClient();

        var response = await client.PostAsJsonAsync(TokenPath, new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = "abc",
        });

        await AuthAssert.OAuthErrorAsync(response, "unsupported_grant_type", 121);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"grant_type\":\"password\",\"username\":\"a@b.c\"}")]
    [InlineData("{\"grant_type\":\"refresh_token\"}")]
    [InlineData("{\"grant_type\":42}")]
    [InlineData("not json")]
    public async Task MalformedRequests_AnswerInvalidRequest(string body)
    {
        using var client = factory.CreateClient();

        var response = await client.PostAsync(TokenPath, new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("invalid_request", json.RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task RefreshGrant_RotatesTheRefreshToken_AndRefusesTheOldOne()
    {
        var first = await factory.GetTokensAsync(TasksConsoleFactory.AdminEmail, TasksConsoleFactory.AdminPassword);
        using var client = factory.CreateClient();

        var refreshed = await client.PostAsJsonAsync(TokenPath, RefreshBody(first.RefreshToken));
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        var second = TasksConsoleFactory.ReadTokenPair(await refreshed.Content.ReadAsStringAsync());
        Assert.NotEqual(first.RefreshToken, second.RefreshToken);
        Assert.NotEqual(first.AccessToken, second.AccessToken);
        Assert.Equal(first.UserId, second.UserId);
        Assert.Equal(TasksConsoleFactory.ClientId, second.ApplicationId);

        var replay = await client.PostAsJsonAsync(TokenPath, RefreshBody(first.RefreshToken));
        await AuthAssert.OAuthErrorAsync(replay, "invalid_grant", 119);

        // Refused within the grace period without revoking the family: the legitimate new pair still works.
        var next = await client.PostAsJsonAsync(TokenPath, RefreshBody(second.RefreshToken));
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task RefreshGrant_WithAnUnknownToken_AnswersInvalidGrant()
    {
        using var client = factory.CreateClient();

        var response = await client.PostAsJsonAsync(TokenPath, RefreshBody("bm90LWEtcmVhbC10b2tlbg"));

        await AuthAssert.OAuthErrorAsync(response, "invalid_grant", 119);
    }

    [Fact]
    public async Task RefreshGrant_FromAnotherClient_IsRefused()
    {
        var tokens = await factory.GetTokensAsync(TasksConsoleFactory.AdminEmail, TasksConsoleFactory.AdminPassword);
        using var client = factory.CreateClient();

        var response = await client.PostAsJsonAsync(TokenPath, RefreshBody(tokens.RefreshToken, clientId: "someone-else"));

        await AuthAssert.OAuthErrorAsync(response, "invalid_grant", 119);
    }

    [Fact]
    public async Task AnAccessToken_IsNotAcceptedAsARefreshToken_NorTheOtherWayRound()
    {
        var tokens = await factory.GetTokensAsync(TasksConsoleFactory.AdminEmail, TasksConsoleFactory.AdminPassword);
        using var client = factory.CreateClient();

        var refreshWithAccess = await client.PostAsJsonAsync(TokenPath, RefreshBody(tokens.AccessToken));
        await AuthAssert.OAuthErrorAsync(refreshWithAccess, "invalid_grant", 119);

        using var bearer = factory.CreateBearerClient(tokens.RefreshToken);
        await AuthAssert.ExhErrorAsync(await bearer.GetAsync("/admin/v1/users"), HttpStatusCode.Unauthorized, 117);
    }

    [Fact]
    public async Task DisabledUsers_CannotSignIn()
    {
        var user = await factory.EnsureUserAsync("disabled-signin@test.local", TasksConsoleFactory.UserPassword, Role.Viewer);
        await factory.Services.GetRequiredService<UserService>().SetDisabledAsync(user.Id, true);
        using var client = factory.CreateClient();

        var response = await client.PostAsJsonAsync(TokenPath, new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["username"] = user.Email,
            ["password"] = TasksConsoleFactory.UserPassword,
        });

        await AuthAssert.OAuthErrorAsync(response, "invalid_grant", 106);
    }

    internal static Dictionary<string, string> RefreshBody(string refreshToken, string clientId = TasksConsoleFactory.ClientId) => new()
    {
        ["client_id"] = clientId,
        ["grant_type"] = "refresh_token",
        ["refresh_token"] = refreshToken,
    };
}
