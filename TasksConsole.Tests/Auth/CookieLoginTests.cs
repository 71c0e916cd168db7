using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Components.Authorization;
using TasksConsole.Core.Auth;
using TasksConsole.Web.Auth;
using TasksConsole.Tests.Infrastructure;

namespace TasksConsole.Tests.Auth;

public partial class CookieLoginTests(TasksConsoleFactory factory) : IClassFixture<TasksConsoleFactory>
{
    [Fact]
    public async Task LoginPage_RendersAnAccessibleFormWithAnAntiforgeryToken()
    {
        using var browser = factory.CreateBrowserClient();

        var response = await browser.GetAsync("/login?returnUrl=%2Ftasks");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<form method=\"post\" action=\"/account/login\"", html);
        Assert.Contains("<label for=\"login-email\">", html);
        Assert.Contains("id=\"login-email\" name=\"email\"", html);
        Assert.Contains("<label for=\"login-password\">", html);
        Assert.Contains("name=\"returnUrl\" value=\"/tasks\"", html);
        Assert.Matches(AntiforgeryField(), html);
        // Static rendering: no interactive circuit is started for the sign-in page.
        Assert.DoesNotContain("<!--Blazor:{\"type\":\"server\"", html);
    }

    [Fact]
    public async Task AnonymousConsoleRequests_AreSentToTheLoginPage()
    {
        using var browser = factory.CreateBrowserClient();

        var response = await browser.GetAsync("/");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login", response.Headers.Location?.AbsolutePath);
        Assert.Contains("returnUrl=%2F", response.Headers.Location?.Query);
    }

    [Fact]
    public async Task GoodCredentials_SetASecureCookie_AndRedirectToTheLocalReturnUrl()
    {
        using var browser = factory.CreateBrowserClient();

        var response = await SignInAsync(browser, TasksConsoleFactory.AdminEmail, TasksConsoleFactory.AdminPassword, "/tasks?tag=a");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/tasks?tag=a", response.Headers.Location?.OriginalString);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("TasksConsole.Session=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);

        var home = await browser.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Contains(TasksConsoleFactory.AdminEmail, await home.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("https://evil.example/steal")]
    [InlineData("//evil.example/steal")]
    [InlineData("/\\evil.example")]
    [InlineData("/login?returnUrl=%2F")]
    public async Task NonLocalReturnUrls_AreNotFollowed(string returnUrl)
    {
        using var browser = factory.CreateBrowserClient();

        var response = await SignInAsync(browser, TasksConsoleFactory.AdminEmail, TasksConsoleFactory.AdminPassword, returnUrl);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task BadCredentials_RedirectBackWithAnError_ThatThePageShows()
    {
        using var browser = factory.CreateBrowserClient();

        var response = await SignInAsync(browser, TasksConsoleFactory.AdminEmail, "wrong-password", "/tasks");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.OriginalString;
        Assert.Equal("/login?error=invalid&returnUrl=%2Ftasks", location);
        Assert.DoesNotContain(response.Headers, h => h.Key == "Set-Cookie" && h.Value.Any(v => v.StartsWith("TasksConsole.Session=", StringComparison.Ordinal)));

        var page = await browser.GetStringAsync(location);
        Assert.Contains("The email or password is not correct.", page);
        Assert.Contains("aria-describedby=\"login-error\"", page);
    }

    [Fact]
    public async Task APostWithoutTheAntiforgeryToken_DoesNotSignIn()
    {
        using var browser = factory.CreateBrowserClient();

        var response = await browser.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = TasksConsoleFactory.AdminEmail,
            ["password"] = TasksConsoleFactory.AdminPassword,
        }));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login?error=expired", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Logout_EndsTheSession()
    {
        using var browser = factory.CreateBrowserClient();
        await SignInAsync(browser, TasksConsoleFactory.AdminEmail, TasksConsoleFactory.AdminPassword);
        var home = await browser.GetStringAsync("/");
        var token = AntiforgeryField().Match(home).Groups["token"].Value;

        var response = await browser.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
        }));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login", response.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task AfterSigningOut_ACopyOfTheCookieNoLongerWorks()
    {
        var user = await factory.EnsureUserAsync("cookie-copied@test.local", TasksConsoleFactory.UserPassword, Role.Viewer);
        using var browser = factory.CreateBrowserClient();
        var signedIn = await SignInAsync(browser, user.Email, TasksConsoleFactory.UserPassword);
        var session = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("TasksConsole.Session=", StringComparison.Ordinal)).Split(';')[0];
        using var thief = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        thief.DefaultRequestHeaders.Add("Cookie", session);
        Assert.Equal(HttpStatusCode.OK, (await thief.GetAsync("/")).StatusCode);

        var token = AntiforgeryField().Match(await browser.GetStringAsync("/")).Groups["token"].Value;
        await browser.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));

        var replayed = await thief.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, replayed.StatusCode);
        Assert.Equal("/login", replayed.Headers.Location?.AbsolutePath);
    }

    [Fact]
    public async Task DisablingAUser_EndsTheirConsoleSession()
    {
        var user = await factory.EnsureUserAsync("cookie-disabled@test.local", TasksConsoleFactory.UserPassword, Role.Viewer);
        using var browser = factory.CreateBrowserClient();
        await SignInAsync(browser, user.Email, TasksConsoleFactory.UserPassword);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/")).StatusCode);

        await factory.Services.GetRequiredService<UserService>().SetDisabledAsync(user.Id, true);

        var response = await browser.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login", response.Headers.Location?.AbsolutePath);
    }

    [Fact]
    public async Task AnActiveSession_StillEndsAtItsAbsoluteLifetime()
    {
        await using var clocked = TasksConsoleFactory.WithFakeClock();
        using var browser = clocked.CreateBrowserClient();
        await SignInAsync(browser, TasksConsoleFactory.AdminEmail, TasksConsoleFactory.AdminPassword);

        // Active every 4 hours, well inside the 8-hour sliding lifetime...
        for (var hours = 4; hours < 12; hours += 4)
        {
            clocked.Clock!.Advance(TimeSpan.FromHours(4));
            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/")).StatusCode);
        }

        // ...but 12 hours after the password was given, it is asked for again.
        clocked.Clock!.Advance(TimeSpan.FromHours(4));
        var response = await browser.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login", response.Headers.Location?.AbsolutePath);
    }

    [Fact]
    public void LiveCircuits_UseTheRevalidatingAuthenticationStateProvider()
    {
        using var scope = factory.Services.CreateScope();

        var provider = scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>();

        Assert.IsType<ConsoleAuthenticationStateProvider>(provider);
    }

    /// <summary>Signs in through the login form as a browser would: fetch the page, post it back with its token.</summary>
    /// <param name="postHeaders">Headers of the form's post only (the login page is fetched without them).</param>
    internal static async Task<HttpResponseMessage> SignInAsync(
        HttpClient browser, string email, string password, string returnUrl = "/", IReadOnlyDictionary<string, string>? postHeaders = null)
    {
        var page = await browser.GetStringAsync("/login");
        var token = AntiforgeryField().Match(page).Groups["token"].Value;
        Assert.False(string.IsNullOrEmpty(token), "The login page has no antiforgery token.");
        using var post = new HttpRequestMessage(HttpMethod.Post, "/account/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = token,
                ["email"] = email,
                ["password"] = password,
                ["returnUrl"] = returnUrl,
            }),
        };
        foreach (var (name, value) in postHeaders ?? new Dictionary<string, string>()) post.Headers.Add(name, value);
        return await browser.SendAsync(post);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"(?<token>[^\"]+)\"|type=\"hidden\" name=\"__RequestVerificationToken\" value=\"(?<token>[^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
