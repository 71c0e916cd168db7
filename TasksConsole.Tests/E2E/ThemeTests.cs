using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace TasksConsole.Tests.E2E;

/// <summary>The console starts in the system's theme and keeps the one the user picks across reloads.</summary>
[Collection(E2ECollection.Name)]
public sealed class ThemeTests(BrowserFixture browser) : BrowserTest(browser)
{
    private static readonly Regex ToLight = new("light theme", RegexOptions.IgnoreCase);
    private static readonly Regex ToDark = new("dark theme", RegexOptions.IgnoreCase);

    [Fact]
    public async Task ABrowserThatPrefersDark_GetsTheDarkTheme_WithoutChoosingIt()
    {
        var page = await Browser.NewSignedInPageAsync(path: "/tasks");
        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
        await BrowserFixture.GotoAsync(page, "/tasks");

        await Expect(ThemeToggle(page, ToLight)).ToBeVisibleAsync();
        await Expect(page.Locator("body")).ToHaveCSSAsync("background-color", DarkBackground());
        await page.Mouse.MoveAsync(640, 790);
        await BrowserFixture.ScreenshotAsync(page, "theme-system-dark");

        // The system turning light is followed too, as long as the user has not chosen.
        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Light });
        await Expect(ThemeToggle(page, ToDark)).ToBeVisibleAsync();
    }

    [Fact]
    public async Task TheThemeTheUserPicks_IsKeptAcrossAReload_FromTheFirstPaint()
    {
        var page = await Browser.NewSignedInPageAsync(path: "/tasks");
        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Light });
        await BrowserFixture.GotoAsync(page, "/tasks");
        await ThemeToggle(page, ToDark).ClickAsync();
        await Expect(ThemeToggle(page, ToLight)).ToBeVisibleAsync();

        await page.WaitForFunctionAsync("() => document.cookie.includes('TasksConsole.Theme=dark')");

        // The server's first render, before the page is interactive, is already dark.
        var response = await page.APIRequest.GetAsync("tasks");
        Assert.Contains("Switch to light theme", await response.TextAsync());

        await page.ReloadAsync();
        await BrowserFixture.WaitInteractiveAsync(page);
        await Expect(ThemeToggle(page, ToLight)).ToBeVisibleAsync();
        await Expect(page.Locator("body")).ToHaveCSSAsync("background-color", DarkBackground());

        // And back, which is what this system prefers anyway: light again after the next reload, following the system.
        await ThemeToggle(page, ToLight).ClickAsync();
        await page.WaitForFunctionAsync("() => document.cookie.includes('TasksConsole.Theme=system-light')");
        await page.ReloadAsync();
        await BrowserFixture.WaitInteractiveAsync(page);
        await Expect(ThemeToggle(page, ToDark)).ToBeVisibleAsync();
    }

    private static ILocator ThemeToggle(IPage page, Regex name) =>
        page.GetByRole(AriaRole.Banner).GetByRole(AriaRole.Button, new() { NameRegex = name });

    /// <summary>MudBlazor's dark background (#32333d), as the browser reports it.</summary>
    private static Regex DarkBackground() => new(@"^rgb\(50, 51, 61\)$");
}
