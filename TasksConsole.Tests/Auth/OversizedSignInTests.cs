using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using TasksConsole.Core.Auth;
using TasksConsole.Tests.Infrastructure;

namespace TasksConsole.Tests.Auth;

/// <summary>
/// Megabyte-sized sign-ins over real HTTP (Kestrel, so request body limits apply as in production): each is
/// answered with a 4xx or a plain "wrong email or password", and none reaches the limiter or the password hash.
/// </summary>
public sealed class OversizedSignInTests(OversizedSignInTests.Server server) : IClassFixture<OversizedSignInTests.Server>
{
    /// <summary>A live server of this class's own (xunit wants a fixture with one constructor).</summary>
    public sealed class Server : LiveServer;

    private static readonly string HugeEmail = new string('a', 2 * 1024 * 1024) + "@x.test";

    [Fact]
    public async Task TheTokenEndpoint_RefusesAMegabyteFormUsername_With400()
    {
        using var client = server.CreateHttpClient();

        var response = await client.PostAsync(OAuthPath, Form(("grant_type", "password"), ("username", HugeEmail), ("password", "Wrong-passw0rd")));

        await AuthAssert.OAuthErrorAsync(response, "invalid_request", 22);
        Assert.Equal(0, Limiter.EntryCount);
    }

    [Fact]
    public async Task TheTokenEndpoint_RefusesAMegabyteJsonUsername_With4xx()
    {
        using var client = server.CreateHttpClient();

        var response = await client.PostAsJsonAsync(OAuthPath, new { grant_type = "password", username = HugeEmail, password = "Wrong-passw0rd" });

        Assert.InRange((int)response.StatusCode, 400, 499);
        Assert.Equal(0, Limiter.EntryCount);
    }

    [Fact]
    public async Task TheTokenEndpoint_RefusesAChunkedMegabyteForm_With400()
    {
        using var client = server.CreateHttpClient();
        var body = Encoding.ASCII.GetBytes("grant_type=password&password=x&username=" + HugeEmail);
        // A stream of unknown length goes out chunked, without a Content-Length to refuse up front.
        using var content = new StreamContent(new NonSeekableStream(body));
        content.Headers.ContentType = new("application/x-www-form-urlencoded");

        HttpResponseMessage response;
        try
        {
            response = await client.PostAsync(OAuthPath, content);
        }
        catch (HttpRequestException error) when (error.InnerException is IOException)
        {
            // The server stops reading at its limit and closes the connection after its 400. A client still sending
            // then usually reads that answer, but may meet the closed socket first ("broken pipe"): refused either way.
            Assert.Equal(0, Limiter.EntryCount);
            return;
        }

        await AuthAssert.OAuthErrorAsync(response, "invalid_request", 22);
        Assert.Equal(0, Limiter.EntryCount);
    }

    [Fact]
    public async Task TheTokenEndpoint_RefusesAFormUsernameLongerThanAnEmail_With400()
    {
        using var client = server.CreateHttpClient();

        var response = await client.PostAsync(OAuthPath, Form(("grant_type", "password"), ("username", new string('a', 300) + "@x.test"), ("password", "Wrong-passw0rd")));

        await AuthAssert.OAuthErrorAsync(response, "invalid_request", 15);
        Assert.Equal(0, Limiter.EntryCount);
    }

    [Fact]
    public async Task TheConsoleLogin_AnswersAMegabyteUsernameAsAWrongSignIn()
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.BaseAddress };

        var response = await client.PostAsync("/account/login", Form(("email", HugeEmail), ("password", "Wrong-passw0rd")));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login?error=invalid", response.Headers.Location?.OriginalString);
        Assert.Equal(0, Limiter.EntryCount);
    }

    [Fact]
    public async Task TheConsoleLogin_AnswersAnEmailJustTooLongAsAWrongSignIn()
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = server.BaseAddress };

        var response = await CookieLoginTests.SignInAsync(browser, new string('a', 300) + "@x.test", "Wrong-passw0rd");

        Assert.Equal("/login?error=invalid", response.Headers.Location?.OriginalString);
        Assert.Equal(0, Limiter.EntryCount);
    }

    private const string OAuthPath = "/auth/v2/oauth2/tokens";

    private FailedSignInLimiter Limiter => server.Services.GetRequiredService<FailedSignInLimiter>();

    private static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) =>
        new(fields.Select(f => KeyValuePair.Create(f.Key, f.Value)));

    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
