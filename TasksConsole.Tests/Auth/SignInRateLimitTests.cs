using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TasksConsole.Tests.Infrastructure;

namespace TasksConsole.Tests.Auth;

public sealed class SignInRateLimitTests : IAsyncLifetime
{
    private readonly TasksConsoleFactory _factory = TasksConsoleFactory.WithFakeClock();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task AfterFiveFailures_SignInIsRefusedWith429_UntilTheWindowPasses()
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            await AuthAssert.OAuthErrorAsync(await PasswordGrantAsync("wrong-password"), "invalid_grant", 106);
        }

        // Even the right password is refused while limited, so guessing cannot continue.
        var limited = await PasswordGrantAsync(TasksConsoleFactory.AdminPassword);
        await AuthAssert.OAuthErrorAsync(limited, "invalid_grant", 213, HttpStatusCode.TooManyRequests);
        var retryAfter = limited.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));
        using (var json = JsonDocument.Parse(await limited.Content.ReadAsStringAsync()))
        {
            // The plain EXH code lets the SDK raise TooManyFailedAttemptsError.
            Assert.Equal(213, json.RootElement.GetProperty("code").GetInt32());
        }

        _factory.Clock!.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(HttpStatusCode.OK, (await PasswordGrantAsync(TasksConsoleFactory.AdminPassword)).StatusCode);
    }

    [Fact]
    public async Task TheConsoleLogin_SharesTheLimit()
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            await PasswordGrantAsync("wrong-password");
        }
        using var browser = _factory.CreateBrowserClient();

        var response = await CookieLoginTests.SignInAsync(browser, TasksConsoleFactory.AdminEmail, TasksConsoleFactory.AdminPassword);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login?error=locked", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task ASuccessfulSignIn_ClearsTheEmailsFailures()
    {
        for (var attempt = 0; attempt < 4; attempt++)
        {
            await PasswordGrantAsync("wrong-password");
        }
        Assert.Equal(HttpStatusCode.OK, (await PasswordGrantAsync(TasksConsoleFactory.AdminPassword)).StatusCode);

        for (var attempt = 0; attempt < 4; attempt++)
        {
            await AuthAssert.OAuthErrorAsync(await PasswordGrantAsync("wrong-password"), "invalid_grant", 106);
        }
    }

    private async Task<HttpResponseMessage> PasswordGrantAsync(string password)
    {
        using var client = _factory.CreateClient();
        return await client.PostAsJsonAsync(TasksConsoleFactory.TokenPath, new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["username"] = TasksConsoleFactory.AdminEmail,
            ["password"] = password,
        });
    }
}
