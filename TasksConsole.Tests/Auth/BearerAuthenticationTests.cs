using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using TasksConsole.Core.Auth;
using TasksConsole.Tests.Infrastructure;

namespace TasksConsole.Tests.Auth;

/// <summary>The EXH codes the SDK depends on: 104 no token, 117 unknown, 118 expired (both trigger a refresh), 10 no permission.</summary>
public sealed class BearerAuthenticationTests : IAsyncLifetime
{
    private readonly TasksConsoleFactory _factory = TasksConsoleFactory.WithFakeClock();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task NoToken_Answers104()
    {
        using var client = _factory.CreateClient();

        await AuthAssert.ExhErrorAsync(await client.GetAsync("/admin/v1/users"), HttpStatusCode.Unauthorized, 104);
    }

    [Fact]
    public async Task UnknownToken_Answers117()
    {
        using var client = _factory.CreateBearerClient("c29tZS10b2tlbi10aGF0LXdhcy1uZXZlci1pc3N1ZWQ");

        await AuthAssert.ExhErrorAsync(await client.GetAsync("/admin/v1/users"), HttpStatusCode.Unauthorized, 117);
    }

    [Fact]
    public async Task ExpiredAccessToken_Answers118_EvenWhileCached()
    {
        using var client = await _factory.CreateClientAsync(Role.Admin);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/admin/v1/users")).StatusCode);

        _factory.Clock!.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/admin/v1/users")).StatusCode);

        _factory.Clock.Advance(TimeSpan.FromSeconds(1));
        await AuthAssert.ExhErrorAsync(await client.GetAsync("/admin/v1/users"), HttpStatusCode.Unauthorized, 118);
    }

    [Fact]
    public async Task AfterExpiry_TheRefreshTokenStillGetsANewWorkingPair()
    {
        var tokens = await _factory.GetTokensAsync(TasksConsoleFactory.AdminEmail, TasksConsoleFactory.AdminPassword);
        _factory.Clock!.Advance(TimeSpan.FromMinutes(10));
        using var anonymous = _factory.CreateClient();

        var refreshed = await anonymous.PostAsJsonAsync(TasksConsoleFactory.TokenPath, OAuthTokenEndpointTests.RefreshBody(tokens.RefreshToken));

        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        var pair = TasksConsoleFactory.ReadTokenPair(await refreshed.Content.ReadAsStringAsync());
        using var client = _factory.CreateBearerClient(pair.AccessToken);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/admin/v1/users")).StatusCode);
    }

    [Fact]
    public async Task ExpiredRefreshToken_IsRefused()
    {
        var tokens = await _factory.GetTokensAsync(TasksConsoleFactory.AdminEmail, TasksConsoleFactory.AdminPassword);
        _factory.Clock!.Advance(TimeSpan.FromDays(31));
        using var anonymous = _factory.CreateClient();

        var refreshed = await anonymous.PostAsJsonAsync(TasksConsoleFactory.TokenPath, OAuthTokenEndpointTests.RefreshBody(tokens.RefreshToken));

        await AuthAssert.OAuthErrorAsync(refreshed, "invalid_grant", 120);
    }

    [Fact]
    public async Task RefreshingKeepsASignInAlive_OnlyUntilItsAbsoluteLifetime()
    {
        var tokens = await _factory.GetTokensAsync(TasksConsoleFactory.AdminEmail, TasksConsoleFactory.AdminPassword);
        using var anonymous = _factory.CreateClient();
        var refreshToken = tokens.RefreshToken;

        // Every 25 days, within the 30-day sliding lifetime: fine for 75 days of the 90.
        for (var i = 0; i < 3; i++)
        {
            _factory.Clock!.Advance(TimeSpan.FromDays(25));
            var refreshed = await anonymous.PostAsJsonAsync(TasksConsoleFactory.TokenPath, OAuthTokenEndpointTests.RefreshBody(refreshToken));
            Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
            refreshToken = TasksConsoleFactory.ReadTokenPair(await refreshed.Content.ReadAsStringAsync()).RefreshToken;
        }

        // An hour past 90 days after the password sign-in: the last rotation's token, 15 days old, is refused all the
        // same (expired tokens are deleted a day later, after which a refresh answers "unknown" instead).
        _factory.Clock!.Advance(TimeSpan.FromDays(15) + TimeSpan.FromHours(1));
        var refused = await anonymous.PostAsJsonAsync(TasksConsoleFactory.TokenPath, OAuthTokenEndpointTests.RefreshBody(refreshToken));
        await AuthAssert.OAuthErrorAsync(refused, "invalid_grant", 120);
    }

    [Fact]
    public async Task ReplayingARotatedRefreshToken_AfterTheGracePeriod_RevokesTheWholeFamily()
    {
        var first = await _factory.GetTokensAsync(TasksConsoleFactory.AdminEmail, TasksConsoleFactory.AdminPassword);
        using var anonymous = _factory.CreateClient();
        var rotated = await anonymous.PostAsJsonAsync(TasksConsoleFactory.TokenPath, OAuthTokenEndpointTests.RefreshBody(first.RefreshToken));
        var second = TasksConsoleFactory.ReadTokenPair(await rotated.Content.ReadAsStringAsync());
        using var victim = _factory.CreateBearerClient(second.AccessToken);
        Assert.Equal(HttpStatusCode.OK, (await victim.GetAsync("/admin/v1/users")).StatusCode);

        _factory.Clock!.Advance(OAuthTokenService.ReuseGracePeriod + TimeSpan.FromSeconds(1));
        var replay = await anonymous.PostAsJsonAsync(TasksConsoleFactory.TokenPath, OAuthTokenEndpointTests.RefreshBody(first.RefreshToken));
        await AuthAssert.OAuthErrorAsync(replay, "invalid_grant", 119);

        await AuthAssert.ExhErrorAsync(await victim.GetAsync("/admin/v1/users"), HttpStatusCode.Unauthorized, 117);
        var refreshSecond = await anonymous.PostAsJsonAsync(TasksConsoleFactory.TokenPath, OAuthTokenEndpointTests.RefreshBody(second.RefreshToken));
        await AuthAssert.OAuthErrorAsync(refreshSecond, "invalid_grant", 119);
    }

    [Fact]
    public async Task MissingPermission_Answers10()
    {
        using var client = await _factory.CreateClientAsync(Role.Operator);

        await AuthAssert.ExhErrorAsync(await client.GetAsync("/admin/v1/tokens"), HttpStatusCode.Unauthorized, 10);
        await AuthAssert.ExhErrorAsync(await client.GetAsync("/admin/v1/users"), HttpStatusCode.Unauthorized, 10);
    }

    [Fact]
    public async Task DisablingAUser_StopsTheirTokens_OnTheNextRequest()
    {
        var user = await _factory.EnsureUserAsync("to-disable@test.local", TasksConsoleFactory.UserPassword, Role.Admin);
        var tokens = await _factory.GetTokensAsync(user.Email, TasksConsoleFactory.UserPassword);
        using var client = _factory.CreateBearerClient(tokens.AccessToken);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/admin/v1/users")).StatusCode);

        await _factory.Services.GetRequiredService<UserService>().SetDisabledAsync(user.Id, true);

        await AuthAssert.ExhErrorAsync(await client.GetAsync("/admin/v1/users"), HttpStatusCode.Unauthorized, 117);
    }

    [Fact]
    public async Task ARoleChange_ChangesPermissions_OnTheNextRequest()
    {
        var user = await _factory.EnsureUserAsync("promoted@test.local", TasksConsoleFactory.UserPassword, Role.Viewer);
        var tokens = await _factory.GetTokensAsync(user.Email, TasksConsoleFactory.UserPassword);
        using var client = _factory.CreateBearerClient(tokens.AccessToken);
        await AuthAssert.ExhErrorAsync(await client.GetAsync("/admin/v1/users"), HttpStatusCode.Unauthorized, 10);

        await _factory.Services.GetRequiredService<UserService>().ChangeRoleAsync(user.Id, Role.Admin);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/admin/v1/users")).StatusCode);
    }

    [Fact]
    public async Task ApiPaths_IgnoreTheConsoleCookie()
    {
        using var browser = _factory.CreateBrowserClient();
        await CookieLoginTests.SignInAsync(browser, TasksConsoleFactory.AdminEmail, TasksConsoleFactory.AdminPassword);

        var response = await browser.GetAsync("/admin/v1/users");

        await AuthAssert.ExhErrorAsync(response, HttpStatusCode.Unauthorized, 104);
    }
}
