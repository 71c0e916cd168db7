using Microsoft.Playwright;

namespace TasksConsole.Bench.Infrastructure;

/// <summary>
/// One console page kept open in headless Chromium, signed in as the bootstrap admin through the real login form:
/// a live Blazor circuit on the server, with the page's subscription to task changes and its re-renders, as an
/// operator's open browser tab costs the server. Needs the system Chromium (<c>CHROMIUM_PATH</c>, else
/// <c>/usr/bin/chromium</c>); without it <see cref="OpenAsync"/> says so and returns null.
/// </summary>
internal sealed class ConsoleCircuit : IAsyncDisposable
{
    private const string DefaultChromiumPath = "/usr/bin/chromium";
    private const float TimeoutMs = 60_000;

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

    private readonly IPlaywright playwright;
    private readonly IBrowser browser;
    private readonly IPage page;

    private ConsoleCircuit(IPlaywright playwright, IBrowser browser, IPage page, string path)
    {
        this.playwright = playwright;
        this.browser = browser;
        this.page = page;
        Path = path;
    }

    /// <summary>The console page that is open, e.g. <c>/tasks</c>.</summary>
    public string Path { get; }

    public static string ChromiumPath =>
        Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path : DefaultChromiumPath;

    /// <summary>Whether Chromium is there to open a console page with.</summary>
    public static bool Available => File.Exists(ChromiumPath);

    /// <summary>Signs in on <paramref name="server"/> and opens <paramref name="path"/> until its circuit drives the page.</summary>
    public static async Task<ConsoleCircuit?> OpenAsync(ServerProcess server, string path, TextWriter output)
    {
        if (!Available)
        {
            output.WriteLine($"console: no page opened, Chromium was not found at '{ChromiumPath}' (set CHROMIUM_PATH)");
            return null;
        }
        var playwright = await Playwright.CreateAsync();
        IBrowser? browser = null;
        try
        {
            browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ChromiumPath, Headless = true, Args = ChromiumArgs, Timeout = TimeoutMs,
            });
            var context = await browser.NewContextAsync(new BrowserNewContextOptions
            {
                BaseURL = server.BaseAddress.ToString(),
                ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
                Locale = "en-US",
                TimezoneId = "UTC",
            });
            context.SetDefaultTimeout(TimeoutMs);
            context.SetDefaultNavigationTimeout(TimeoutMs);
            var page = await context.NewPageAsync();
            var errors = new List<string>();
            page.Console += (_, message) =>
            {
                if (message.Type is "error" or "warning") lock (errors) errors.Add(message.Text);
            };
            page.PageError += (_, error) =>
            {
                lock (errors) errors.Add(error);
            };
            page.RequestFailed += (_, request) =>
            {
                lock (errors) errors.Add($"{request.Method} {request.Url}: {request.Failure}");
            };
            await page.GotoAsync("login?returnUrl=" + Uri.EscapeDataString(path));
            await page.GetByLabel("Email").FillAsync(ServerProcess.AdminEmail);
            await page.GetByLabel("Password").FillAsync(server.AdminPassword);
            await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Sign in", Exact = true }).ClickAsync();
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == path);
            var circuit = new ConsoleCircuit(playwright, browser, page, path);
            if (!await circuit.IsLiveAsync(wait: true))
            {
                var state = await page.EvaluateAsync<string>(
                    "() => `Blazor: ${window.Blazor !== undefined}; main: ${document.querySelector('main')?.outerHTML.slice(0, 200)}`");
                throw new InvalidOperationException(
                    $"The console page {path} did not become interactive at {page.Url} ({state}); the browser's errors: {string.Join(" | ", errors)}");
            }
            output.WriteLine($"console: {path} open in headless Chromium, signed in through the login form, its circuit live");
            return circuit;
        }
        catch
        {
            if (browser is not null) await browser.CloseAsync();
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Whether the circuit still drives the page: the console marks its layout interactive once it has, and the
    /// reconnect dialog shows while the connection is lost.
    /// </summary>
    public async Task<bool> IsLiveAsync(bool wait = false)
    {
        const string Live = """
            () => window.Blazor !== undefined
                  && document.querySelector('main[data-interactive="true"]') !== null
                  && document.querySelector('.components-reconnect-show, .components-reconnect-failed, .components-reconnect-rejected') === null
            """;
        try
        {
            if (wait)
            {
                await page.WaitForFunctionAsync(Live, null, new PageWaitForFunctionOptions { Timeout = TimeoutMs, PollingInterval = 200 });
                return true;
            }
            return await page.EvaluateAsync<bool>(Live);
        }
        catch (Exception ex) when (ex is PlaywrightException or TimeoutException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await browser.CloseAsync();
        playwright.Dispose();
    }
}
