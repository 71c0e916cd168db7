using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using TasksConsole.Core.Auth;
using TasksConsole.Tests.Infrastructure;

namespace TasksConsole.Tests.E2E;

/// <summary>
/// One headless Chromium and one <see cref="LiveServer"/> for the <see cref="E2ECollection"/>, plus the helpers
/// page tests need: signed-in pages, users and tasks made through the REST API, screenshots and axe scans.
/// </summary>
/// <remarks>
/// Each test gets its own browser context (cookies, storage), so tests stay independent while sharing the expensive
/// parts. The server's data is shared, so tests must find their own rows (by task id or a unique tag) rather than
/// count rows. Playwright's bundled driver runs the system Chromium: <c>playwright install</c> cannot download here.
/// </remarks>
public class BrowserFixture : IAsyncLifetime
{
    /// <summary>How long a page may take to show what a test expects; the build box is shared and often loaded.</summary>
    public const float TimeoutMs = 15_000;

    public const string DefaultChromiumPath = "/usr/bin/chromium";

    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        // Without these Chromium keeps calling home, and on a closed network every call waits for a timeout.
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly List<IBrowserContext> _contexts = [];
    private readonly SemaphoreSlim _tokenGate = new(1, 1);
    private LiveServer? _server;
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private (string Token, DateTimeOffset ExpiresAt)? _adminToken;

    public LiveServer Server => _server ?? throw NotStarted();

    /// <summary>The system Chromium, headless, as every browser test runs it.</summary>
    public static Task<IBrowser> LaunchChromiumAsync(IPlaywright playwright) =>
        playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
            Timeout = 60_000,
        });

    public IBrowser Browser => _browser ?? throw NotStarted();

    /// <summary>The app's root, e.g. <c>http://localhost:41234/</c>.</summary>
    public Uri BaseAddress => Server.BaseAddress;

    /// <summary><c>TestResults/screenshots/</c> under the repository root; .ci/run keeps it with the test results.</summary>
    public static string ScreenshotDirectory { get; } = Path.Combine(FindRepositoryRoot(), "TestResults", "screenshots");

    public static string ChromiumPath =>
        Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path : DefaultChromiumPath;

    public async Task InitializeAsync()
    {
        // Fail (never skip) before starting anything when the browser is missing: a skipped e2e suite looks green.
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"Chromium was not found at '{ChromiumPath}'. The end-to-end tests need a browser: install Debian's chromium " +
                "(`apt-get install -y chromium`) or set CHROMIUM_PATH — .ci/run does it.");
        }

        Directory.CreateDirectory(ScreenshotDirectory);
        Assertions.SetDefaultExpectTimeout(TimeoutMs);

        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            // Every browser signs in from 127.0.0.1: the per-address limit would let a few tests that try wrong
            // passwords lock out the rest of the collection. The per-email limit stays as configured.
            ["Auth:SignInLimit:MaxFailuresPerClient"] = "1000",
        };
        ConfigureServer(settings);
        _server = await LiveServer.StartAsync(settings);

        try
        {
            _playwright = await Playwright.CreateAsync();
            _browser = await LaunchChromiumAsync(_playwright);
        }
        catch (PlaywrightException ex)
        {
            // Stop the server now rather than rely on xunit disposing a half-initialized fixture (disposing twice is fine).
            await DisposeAsync();
            throw new InvalidOperationException(
                $"Chromium at '{ChromiumPath}' did not start under Playwright ({ex.Message}). Install Debian's chromium " +
                "(`apt-get install -y chromium`) or set CHROMIUM_PATH to a working Chromium — .ci/run does it.", ex);
        }
    }

    public async Task DisposeAsync()
    {
        await CloseContextsAsync();
        if (_browser is not null) await _browser.CloseAsync();
        _browser = null;
        _playwright?.Dispose();
        _playwright = null;
        if (_server is not null) await _server.DisposeAsync();
        _server = null;
    }

    /// <summary>
    /// Closes every browser context opened so far, which also ends their Blazor circuits on the server.
    /// <see cref="BrowserTest"/> calls it after each test.
    /// </summary>
    public async Task CloseContextsAsync()
    {
        IBrowserContext[] open;
        lock (_contexts)
        {
            open = [.. _contexts];
            _contexts.Clear();
        }
        foreach (var context in open)
        {
            await context.CloseAsync();
        }
    }

    /// <summary>Override in a derived fixture (for another collection) to run the server with other settings.</summary>
    protected virtual void ConfigureServer(IDictionary<string, string?> settings)
    {
    }

    // ---- pages ------------------------------------------------------------------------------------------------------

    /// <summary>A page in a fresh browser context (no cookies), aimed at the live server; not signed in.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
            Locale = "en-US",
            TimezoneId = "UTC",
        });
        context.SetDefaultTimeout(TimeoutMs);
        context.SetDefaultNavigationTimeout(TimeoutMs * 2);
        lock (_contexts) _contexts.Add(context);
        return await context.NewPageAsync();
    }

    /// <summary>
    /// A page in a fresh context, signed in through the real login form, on <paramref name="path"/> once the
    /// console is interactive. Defaults to the bootstrap admin.
    /// </summary>
    public async Task<IPage> NewSignedInPageAsync(
        string email = LiveServer.AdminEmail, string password = LiveServer.AdminPassword, string path = "/")
    {
        var page = await NewPageAsync();
        await page.GotoAsync("login?returnUrl=" + Uri.EscapeDataString(path));
        await SubmitLoginFormAsync(page, email, password);
        var login = new Uri(BaseAddress, "login").AbsolutePath;
        // Until the console's URL is committed, not until its load event: what matters is the interactive wait
        // below, and on a loaded machine a load event seen late once failed the sign-in after 15 s.
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath != login,
            new PageWaitForURLOptions { Timeout = TimeoutMs * 2, WaitUntil = WaitUntilState.Commit });
        await WaitInteractiveAsync(page);
        return page;
    }

    public Task<IPage> NewSignedInPageAsync(E2EUser user, string path = "/") => NewSignedInPageAsync(user.Email, user.Password, path);

    /// <summary>Fills and submits the sign-in form on a page that shows it; does not wait for the outcome.</summary>
    public static async Task SubmitLoginFormAsync(IPage page, string email, string password)
    {
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Sign in", Exact = true }).ClickAsync();
    }

    /// <summary>Navigates (relative paths resolve against the server) and waits until the console is interactive.</summary>
    public static async Task GotoAsync(IPage page, string path)
    {
        await page.GotoAsync(path.TrimStart('/'));
        await WaitInteractiveAsync(page);
    }

    /// <summary>
    /// Waits until the Blazor circuit drives the page: <c>blazor.web.js</c> has loaded and the console layout has
    /// rendered interactively (it marks its <c>main</c> with <c>data-interactive="true"</c> only then, in the same
    /// render that attaches the event handlers). Clicking before that hits the prerendered, inert HTML.
    /// Static pages (the sign-in form) never become interactive; do not wait on them.
    /// </summary>
    public static async Task WaitInteractiveAsync(IPage page)
    {
        await page.WaitForFunctionAsync(
            "() => window.Blazor !== undefined && document.querySelector('main[data-interactive=\"true\"]') !== null",
            null,
            new PageWaitForFunctionOptions { Timeout = TimeoutMs, PollingInterval = 100 });
    }

    /// <summary>
    /// The grid row that shows the task: any table row whose text contains the task id. Matches the tasks grid
    /// whatever its columns, as long as it shows the id.
    /// </summary>
    public static ILocator TaskRow(IPage page, string taskId) =>
        page.GetByRole(AriaRole.Row).Filter(new LocatorFilterOptions { HasText = taskId });

    /// <summary>
    /// Saves a full-page PNG as <c>TestResults/screenshots/{name}.png</c> and returns its path. Use names that say
    /// what the picture shows (<c>tasks-viewer</c>); the same name overwrites the previous run's file.
    /// </summary>
    public static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        var safe = new StringBuilder(name.Length);
        foreach (var c in name) safe.Append(char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-');
        var path = Path.Combine(ScreenshotDirectory, safe + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    /// <summary>
    /// Runs axe-core on the page as it is now and fails listing every serious or critical violation (rule id,
    /// help text, and the selector and failure summary of each offending node). Minor and moderate findings pass.
    /// Wait for the content that matters to be visible first: axe only sees what has rendered.
    /// </summary>
    public static async Task AssertNoSeriousAxeViolationsAsync(IPage page)
    {
        // Scan the page at rest: a pointer left over a row or a button would scan its hover colours instead.
        await page.Mouse.MoveAsync(0, 0);
        var result = await page.RunAxe();
        var serious = result.Violations
            .Where(v => v.Impact is "serious" or "critical")
            .ToList();
        if (serious.Count == 0) return;

        var report = new StringBuilder();
        report.AppendLine($"axe found {serious.Count} serious or critical violation(s) on {page.Url}:");
        foreach (var violation in serious)
        {
            report.AppendLine($"- {violation.Id} ({violation.Impact}): {violation.Help} <{violation.HelpUrl}>");
            foreach (var node in violation.Nodes)
            {
                report.AppendLine($"    at {node.Target}: {node.Html}");
                // axe's own summary format: any one "any" check would fix it; every "all"/"none" check must.
                var any = node.Any?.Select(c => c.Message).ToList() ?? [];
                var all = (node.All ?? []).Concat(node.None ?? []).Select(c => c.Message).ToList();
                if (any.Count > 0) report.AppendLine("      fix any of: " + string.Join(" | ", any));
                if (all.Count > 0) report.AppendLine("      fix all of: " + string.Join(" | ", all));
            }
        }
        Assert.Fail(report.ToString());
    }

    // ---- REST -------------------------------------------------------------------------------------------------------

    /// <summary>Creates a console user with <paramref name="role"/> through <c>POST /admin/v1/users</c>.</summary>
    /// <param name="email">Defaults to a unique address, so tests never collide on the shared server.</param>
    public async Task<E2EUser> CreateUserAsync(Role role, string? email = null)
    {
        email ??= $"{role.ToString().ToLowerInvariant()}-{Guid.NewGuid().ToString("N")[..10]}@e2e.local";
        var password = "E2e-pass-" + Guid.NewGuid().ToString("N")[..12];
        using var admin = await CreateAdminClientAsync();
        using var response = await admin.PostAsJsonAsync("admin/v1/users",
            new { email, password, role = role.ToString().ToLowerInvariant() });
        var created = await ReadAsync<JsonElement>(response, $"create {role} user {email}");
        return new E2EUser(created.GetProperty("id").GetString()!, created.GetProperty("email").GetString()!, password, role);
    }

    /// <summary>Schedules a task through <c>POST /tasks/v1/</c> as the admin and returns it as the API answered.</summary>
    /// <param name="data">Serialized as the task's JSON <c>data</c> object (an anonymous object is fine).</param>
    public async Task<E2ETask> CreateTaskAsync(
        string functionName,
        object? data = null,
        long? priority = null,
        DateTimeOffset? startTimestamp = null,
        IReadOnlyList<string>? tags = null)
    {
        var body = new Dictionary<string, object?> { ["functionName"] = functionName };
        if (data is not null) body["data"] = data;
        if (priority is not null) body["priority"] = priority;
        if (startTimestamp is not null) body["startTimestamp"] = startTimestamp.Value.ToUniversalTime().ToString("O");
        if (tags is not null) body["tags"] = tags;

        using var admin = await CreateAdminClientAsync();
        using var response = await admin.PostAsJsonAsync("tasks/v1/", body);
        return await ReadAsync<E2ETask>(response, $"create a {functionName} task");
    }

    /// <summary>The task as <c>GET /tasks/v1/?eq(id,…)</c> returns it now.</summary>
    public async Task<E2ETask> GetTaskAsync(string id)
    {
        using var admin = await CreateAdminClientAsync();
        using var response = await admin.GetAsync($"tasks/v1/?eq(id,{id})");
        var page = await ReadAsync<JsonElement>(response, $"read task {id}");
        var data = page.GetProperty("data");
        if (data.GetArrayLength() != 1) throw new InvalidOperationException($"Task {id} was not found: {page}");
        return data[0].Deserialize<E2ETask>(Json)!;
    }

    /// <summary>An HttpClient on the live port with a bearer token for the user (password grant).</summary>
    public async Task<HttpClient> CreateApiClientAsync(string email, string password)
    {
        var (token, _) = await GetTokenAsync(email, password);
        return CreateBearerClient(token);
    }

    public Task<HttpClient> CreateApiClientAsync(E2EUser user) => CreateApiClientAsync(user.Email, user.Password);

    /// <summary>An HttpClient with an admin bearer token; the token is reused while it is fresh.</summary>
    public async Task<HttpClient> CreateAdminClientAsync()
    {
        await _tokenGate.WaitAsync();
        try
        {
            if (_adminToken is not { } cached || cached.ExpiresAt <= DateTimeOffset.UtcNow)
            {
                var (token, lifetime) = await GetTokenAsync(LiveServer.AdminEmail, LiveServer.AdminPassword);
                _adminToken = cached = (token, DateTimeOffset.UtcNow + lifetime / 2);
            }
            return CreateBearerClient(cached.Token);
        }
        finally
        {
            _tokenGate.Release();
        }
    }

    private HttpClient CreateBearerClient(string token)
    {
        var client = Server.CreateHttpClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private async Task<(string Token, TimeSpan Lifetime)> GetTokenAsync(string email, string password)
    {
        using var http = Server.CreateHttpClient();
        using var response = await http.PostAsJsonAsync("auth/v2/oauth2/tokens", new Dictionary<string, string>
        {
            ["client_id"] = LiveServer.OAuthClientId,
            ["grant_type"] = "password",
            ["username"] = email,
            ["password"] = password,
        });
        var body = await ReadAsync<JsonElement>(response, $"sign in as {email}");
        return (body.GetProperty("access_token").GetString()!, TimeSpan.FromSeconds(body.GetProperty("expires_in").GetDouble()));
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, string what)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Could not {what}: {(int)response.StatusCode} {text}");
        }
        return JsonSerializer.Deserialize<T>(text, Json)
            ?? throw new InvalidOperationException($"Could not {what}: the response was empty.");
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TasksConsole.sln"))) return dir.FullName;
        }
        // Run from a copied output folder: keep the artifacts beside the binaries rather than failing.
        return AppContext.BaseDirectory;
    }

    private static InvalidOperationException NotStarted() => new("The browser fixture has not been initialized.");
}

/// <summary>A console user a test created, with the password it can sign in with.</summary>
public sealed record E2EUser(string Id, string Email, string Password, Role Role);

/// <summary>The fields of an API task the browser tests look at.</summary>
public sealed record E2ETask(
    string Id,
    string FunctionName,
    string Status,
    long Priority,
    DateTimeOffset StartTimestamp,
    IReadOnlyList<string> Tags,
    string? RetriedByTaskId,
    IReadOnlyList<string>? RetryForTaskIds);
