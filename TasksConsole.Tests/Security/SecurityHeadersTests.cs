using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using TasksConsole.Core.Auth;
using TasksConsole.Tests.Auth;
using TasksConsole.Tests.Infrastructure;
using TasksConsole.Web.Security;

namespace TasksConsole.Tests.Security;

/// <summary>Every kind of response carries the browser hardening headers; cookies follow the request's scheme.</summary>
public sealed class SecurityHeadersTests(TasksConsoleFactory factory) : IClassFixture<TasksConsoleFactory>
{
    [Theory]
    [InlineData("/tasks/v1/", HttpStatusCode.OK)]
    [InlineData("/tasks/v1/no-such/resource", HttpStatusCode.NotFound)]
    [InlineData("/", HttpStatusCode.OK)]
    [InlineData("/app.css", HttpStatusCode.OK)]
    [InlineData("/favicon.ico", HttpStatusCode.OK)]
    [InlineData("/no-such-page", HttpStatusCode.NotFound)]
    public async Task ApiAnswers_ConsolePages_AndStaticFiles_CarryTheHeaders(string path, HttpStatusCode status)
    {
        var client = await factory.CreateClientAsync(Role.Admin);
        using var browser = factory.CreateBrowserClient();
        Assert.Equal(HttpStatusCode.Redirect, (await CookieLoginTests.SignInAsync(browser, TasksConsoleFactory.AdminEmail, TasksConsoleFactory.AdminPassword)).StatusCode);

        var response = path.StartsWith("/tasks/v1", StringComparison.Ordinal) ? await client.GetAsync(path) : await browser.GetAsync(path);

        Assert.Equal(status, response.StatusCode);
        AssertHardened(response);
        var policy = Header(response, "Content-Security-Policy");
        Assert.Matches("script-src 'self' 'nonce-[0-9A-F]{32}';", policy);
        Assert.DoesNotContain("unsafe-eval", policy);
        Assert.DoesNotContain("script-src 'self' 'unsafe-inline'", policy);
    }

    [Fact]
    public async Task AConsolePage_GivesItsImportMapTheNonceOfItsPolicy()
    {
        using var browser = factory.CreateBrowserClient();

        var response = await browser.GetAsync("/login");

        var nonce = System.Text.RegularExpressions.Regex.Match(Header(response, "Content-Security-Policy"), "'nonce-([^']+)'").Groups[1].Value;
        Assert.Matches($"<script type=\"importmap\"[^>]* nonce=\"{nonce}\"", await response.Content.ReadAsStringAsync());
        var again = await browser.GetAsync("/login");
        Assert.DoesNotContain($"'nonce-{nonce}'", Header(again, "Content-Security-Policy"));
    }

    [Fact]
    public async Task TheJobDashboard_CarriesTheHeaders_WithItsOwnPolicy_AndCannotBeFramed()
    {
        using var browser = factory.CreateBrowserClient();
        await CookieLoginTests.SignInAsync(browser, TasksConsoleFactory.AdminEmail, TasksConsoleFactory.AdminPassword);

        var response = await browser.GetAsync("/hangfire");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Hangfire", await response.Content.ReadAsStringAsync());
        AssertHardened(response);
        Assert.DoesNotContain("unsafe-eval", Header(response, "Content-Security-Policy"));
    }

    [Fact]
    public async Task FaviconIco_IsAnIcon()
    {
        using var client = factory.CreateClient();

        var response = await client.GetAsync("/favicon.ico");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/x-icon", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(new byte[] { 0, 0, 1, 0 }, (await response.Content.ReadAsByteArrayAsync())[..4]);
    }

    [Fact]
    public async Task OverHttps_TheSessionAndAntiforgeryCookiesAreSecure()
    {
        using var browser = factory.CreateClient(new WebApplicationFactoryClientOptions
        {
            AllowAutoRedirect = false,
            HandleCookies = true,
            BaseAddress = new Uri("https://localhost"),
        });

        var login = await browser.GetAsync("/login");
        var response = await CookieLoginTests.SignInAsync(browser, TasksConsoleFactory.AdminEmail, TasksConsoleFactory.AdminPassword);

        var antiforgery = Assert.Single(login.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".AspNetCore.Antiforgery", StringComparison.Ordinal));
        Assert.Contains("; secure", antiforgery, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var session = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("TasksConsole.Session=", StringComparison.Ordinal));
        Assert.Contains("; secure", session, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task OverPlainHttp_TheSessionCookieIsNotSecure_SoTheDevelopmentSetupKeepsWorking()
    {
        using var browser = factory.CreateBrowserClient();

        var response = await CookieLoginTests.SignInAsync(browser, TasksConsoleFactory.AdminEmail, TasksConsoleFactory.AdminPassword);

        var session = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("TasksConsole.Session=", StringComparison.Ordinal));
        Assert.DoesNotContain("; secure", session, StringComparison.OrdinalIgnoreCase);
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }

    [Theory]
    [InlineData("Production", null, null, false)]
    [InlineData("Production", "https_port", "443", true)]
    [InlineData("Production", "urls", "http://+:8080;https://+:8443", true)]
    [InlineData("Production", "Kestrel:Endpoints:Secure:Url", "https://0.0.0.0:443", true)]
    [InlineData("Production", "Security:HttpsRedirection", "true", true)]
    [InlineData("Development", "https_port", "443", false)]
    [InlineData("Staging", "Security:HttpsRedirection", "true", false)]
    public void HstsAndTheRedirect_AreOnlyForProductionServedOverHttps(string environment, string? key, string? value, bool expected)
    {
        var settings = new Dictionary<string, string?>();
        if (key is not null) settings[key] = value;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var options = configuration.GetSection(SecurityOptions.Section).Get<SecurityOptions>() ?? new SecurityOptions();

        Assert.Equal(expected, SecurityHeaders.ServesHttps(new Environment(environment), configuration, options));
    }

    internal static void AssertHardened(HttpResponseMessage response)
    {
        Assert.Contains("frame-ancestors 'none'", Header(response, "Content-Security-Policy"));
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : throw new Xunit.Sdk.XunitException($"{(int)response.StatusCode} {response.RequestMessage?.RequestUri} has no {name} header.");

    private sealed class Environment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;
        public string ApplicationName { get; set; } = "TasksConsole.Web";
        public string ContentRootPath { get; set; } = "";
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}

/// <summary>In Production with an HTTPS port configured, plain HTTP is redirected (health probes aside) and HTTPS answers carry HSTS.</summary>
public sealed class HttpsInProductionTests
{
    [Fact]
    public async Task PlainHttp_IsRedirected_AndHttpsAnswersCarryHsts()
    {
        await using var factory = new TasksConsoleFactory { Settings = { ["environment"] = "Production", ["https_port"] = "443" } };
        using var plain = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("http://console.example") });
        using var secure = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://console.example") });

        var redirected = await plain.GetAsync("/login");
        var answered = await secure.GetAsync("/login");

        Assert.Equal(HttpStatusCode.TemporaryRedirect, redirected.StatusCode);
        Assert.Equal("https://console.example/login", redirected.Headers.Location?.ToString());
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.StartsWith("max-age=", answered.Headers.GetValues("Strict-Transport-Security").Single());
        SecurityHeadersTests.AssertHardened(answered);
        // A load balancer's probe over the node's plain-HTTP address is answered, not redirected.
        Assert.Equal(HttpStatusCode.OK, (await plain.GetAsync("/health/live")).StatusCode);
    }
}
