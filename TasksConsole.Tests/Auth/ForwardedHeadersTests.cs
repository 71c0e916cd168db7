using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TasksConsole.Core.Auth;
using TasksConsole.Tests.Infrastructure;

namespace TasksConsole.Tests.Auth;

public sealed class ForwardedHeadersTests : IAsyncLifetime
{
    private const string Proxy = "192.0.2.10";
    private const string ProxyInNetwork = "10.1.2.3";
    private const string Stranger = "203.0.113.50";

    private readonly ClientAddressFactory _factory = new()
    {
        Settings =
        {
            ["ForwardedHeaders:KnownProxies:0"] = Proxy,
            ["ForwardedHeaders:KnownNetworks:0"] = "10.0.0.0/8",
        },
    };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Theory]
    [InlineData(Stranger)]
    [InlineData("127.0.0.1")]
    public async Task FromAnUnknownAddress_XForwardedForIsIgnored_ByTheLimiterAndTheAuditTrail(string sender)
    {
        var email = NewEmail();
        // Each guess claims another client address; all of them still count against the real one.
        for (var attempt = 0; attempt < 5; attempt++)
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await PasswordGrantAsync(sender, email, forwardedFor: $"198.51.100.{attempt}")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await PasswordGrantAsync(sender, email, forwardedFor: "198.51.100.77")).StatusCode);
        Assert.Equal(Enumerable.Repeat(sender, 5), await FailedSignInAddressesAsync(email));
    }

    [Theory]
    [InlineData(Proxy)]
    [InlineData(ProxyInNetwork)]
    public async Task FromAConfiguredProxy_XForwardedForIsTheClient(string proxy)
    {
        var email = NewEmail();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            await PasswordGrantAsync(proxy, email, forwardedFor: "198.51.100.1");
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await PasswordGrantAsync(proxy, email, forwardedFor: "198.51.100.1")).StatusCode);
        // Another client behind the same proxy is not held back by the first one's failures.
        Assert.Equal(HttpStatusCode.BadRequest, (await PasswordGrantAsync(proxy, email, forwardedFor: "198.51.100.2")).StatusCode);
        Assert.Equal(
            ["198.51.100.1", "198.51.100.1", "198.51.100.1", "198.51.100.1", "198.51.100.1", "198.51.100.2"],
            await FailedSignInAddressesAsync(email));
    }

    [Fact]
    public async Task FromAConfiguredProxy_XForwardedProtoHttps_MakesTheSessionCookieSecure()
    {
        using var browser = _factory.CreateClientFrom(Proxy, browser: true);
        browser.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.3");

        // Only the post says https: a test client on plain HTTP would not send back a Secure antiforgery cookie.
        var response = await CookieLoginTests.SignInAsync(browser, TasksConsoleFactory.AdminEmail, TasksConsoleFactory.AdminPassword,
            postHeaders: new Dictionary<string, string> { ["X-Forwarded-Proto"] = "https" });

        var session = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("TasksConsole.Session=", StringComparison.Ordinal));
        Assert.Contains("secure", session, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task WithNoProxyConfigured_EvenLoopbackIsNotBelieved()
    {
        await using var factory = new ClientAddressFactory();
        var email = NewEmail();
        using var client = factory.CreateClientFrom("127.0.0.1");
        client.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.4");
        await client.PostAsJsonAsync(TasksConsoleFactory.TokenPath, Grant(email));

        Assert.Equal(["127.0.0.1"], await FailedSignInAddressesAsync(factory, email));
    }

    private static string NewEmail() => $"nobody-{Guid.NewGuid():N}@test.local";

    private static Dictionary<string, string> Grant(string email) => new()
    {
        ["grant_type"] = "password",
        ["username"] = email,
        ["password"] = "Wrong-passw0rd",
    };

    private async Task<HttpResponseMessage> PasswordGrantAsync(string connectionAddress, string email, string forwardedFor)
    {
        using var client = _factory.CreateClientFrom(connectionAddress);
        client.DefaultRequestHeaders.Add("X-Forwarded-For", forwardedFor);
        return await client.PostAsJsonAsync(TasksConsoleFactory.TokenPath, Grant(email));
    }

    private Task<List<string?>> FailedSignInAddressesAsync(string email) => FailedSignInAddressesAsync(_factory, email);

    /// <summary>The client address the audit trail recorded for each failed sign-in as <paramref name="email"/>, oldest first.</summary>
    private static async Task<List<string?>> FailedSignInAddressesAsync(TasksConsoleFactory factory, string email)
    {
        using var admin = await factory.CreateClientAsync(Role.Admin);
        var rql = $"eq(action,auth.signInFailed)&eq(actorName,{Uri.EscapeDataString(Uri.EscapeDataString(email))})&sort(+timestamp)";
        var page = await admin.GetFromJsonAsync<JsonElement>($"/admin/v1/audit?{rql}");
        return page.GetProperty("data").EnumerateArray()
            .Where(entry => entry.GetProperty("summary").GetString()!.Contains("wrong email or password", StringComparison.Ordinal))
            .Select(entry => entry.GetProperty("remoteAddress").GetString())
            .ToList();
    }
}
