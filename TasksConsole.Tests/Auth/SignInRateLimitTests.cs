using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using TasksConsole.Tests.Infrastructure;

namespace TasksConsole.Tests.Auth;

public sealed class SignInRateLimitTests : IAsyncLifetime
{
    private const string ClientA = "203.0.113.10";
    private const string ClientB = "203.0.113.20";

    private readonly ClientAddressFactory _factory = new()
    {
        Clock = new FakeTimeProvider(DateTimeOffset.UtcNow),
        Settings = { ["Auth:SignInLimit:MaxFailuresPerAccount"] = "10" },
    };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task AfterFiveFailures_ThatClientIsRefusedWith429_UntilItsWaitPasses()
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            await AuthAssert.OAuthErrorAsync(await PasswordGrantAsync(ClientA, "wrong-password"), "invalid_grant", 106);
        }

        // Even the right password is refused while limited, so guessing cannot continue.
        var limited = await PasswordGrantAsync(ClientA, TasksConsoleFactory.AdminPassword);
        await AuthAssert.OAuthErrorAsync(limited, "invalid_grant", 213, HttpStatusCode.TooManyRequests);
        Assert.Equal(TimeSpan.FromMinutes(1), limited.Headers.RetryAfter?.Delta);
        using (var json = JsonDocument.Parse(await limited.Content.ReadAsStringAsync()))
        {
            // The plain EXH code lets the SDK raise TooManyFailedAttemptsError.
            Assert.Equal(213, json.RootElement.GetProperty("code").GetInt32());
        }

        _factory.Clock!.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(HttpStatusCode.OK, (await PasswordGrantAsync(ClientA, TasksConsoleFactory.AdminPassword)).StatusCode);
    }

    [Fact]
    public async Task WhileOneClientIsThrottled_TheAdminStillSignsInFromAnother()
    {
        for (var attempt = 0; attempt < 5; attempt++) await PasswordGrantAsync(ClientA, "wrong-password");
        Assert.Equal(HttpStatusCode.TooManyRequests, (await PasswordGrantAsync(ClientA, TasksConsoleFactory.AdminPassword)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await PasswordGrantAsync(ClientB, TasksConsoleFactory.AdminPassword)).StatusCode);
        using var browser = _factory.CreateClientFrom(ClientB, browser: true);
        var console = await CookieLoginTests.SignInAsync(browser, TasksConsoleFactory.AdminEmail, TasksConsoleFactory.AdminPassword);
        Assert.Equal("/", console.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task TheWait_DoublesWithEachFurtherFailureFromThatClient()
    {
        for (var attempt = 0; attempt < 5; attempt++) await PasswordGrantAsync(ClientA, "wrong-password");
        _factory.Clock!.Advance(TimeSpan.FromMinutes(1));
        await AuthAssert.OAuthErrorAsync(await PasswordGrantAsync(ClientA, "wrong-password"), "invalid_grant", 106);

        var limited = await PasswordGrantAsync(ClientA, TasksConsoleFactory.AdminPassword);

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal(TimeSpan.FromMinutes(2), limited.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task TheAccountCeiling_RefusesEveryClient_OnceReached()
    {
        // Configured to 10 here (100 by default): one failure from each of ten addresses.
        for (var client = 1; client <= 10; client++)
        {
            await AuthAssert.OAuthErrorAsync(await PasswordGrantAsync($"198.51.100.{client}", "wrong-password"), "invalid_grant", 106);
        }

        var limited = await PasswordGrantAsync("198.51.100.99", TasksConsoleFactory.AdminPassword);

        await AuthAssert.OAuthErrorAsync(limited, "invalid_grant", 213, HttpStatusCode.TooManyRequests);
        Assert.Equal(TimeSpan.FromMinutes(15), limited.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task TheConsoleLogin_SharesTheLimit()
    {
        for (var attempt = 0; attempt < 5; attempt++) await PasswordGrantAsync(ClientA, "wrong-password");
        using var browser = _factory.CreateClientFrom(ClientA, browser: true);

        var response = await CookieLoginTests.SignInAsync(browser, TasksConsoleFactory.AdminEmail, TasksConsoleFactory.AdminPassword);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login?error=locked&retryAfter=1", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task ASuccessfulSignIn_ClearsThatClientsFailures()
    {
        for (var attempt = 0; attempt < 4; attempt++) await PasswordGrantAsync(ClientA, "wrong-password");
        Assert.Equal(HttpStatusCode.OK, (await PasswordGrantAsync(ClientA, TasksConsoleFactory.AdminPassword)).StatusCode);

        for (var attempt = 0; attempt < 4; attempt++)
        {
            await AuthAssert.OAuthErrorAsync(await PasswordGrantAsync(ClientA, "wrong-password"), "invalid_grant", 106);
        }
    }

    private async Task<HttpResponseMessage> PasswordGrantAsync(string clientAddress, string password)
    {
        using var client = _factory.CreateClientFrom(clientAddress);
        return await client.PostAsJsonAsync(TasksConsoleFactory.TokenPath, new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["username"] = TasksConsoleFactory.AdminEmail,
            ["password"] = password,
        });
    }
}
