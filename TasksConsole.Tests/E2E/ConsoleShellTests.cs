using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TasksConsole.Core.Auth;
using static Microsoft.Playwright.Assertions;

namespace TasksConsole.Tests.E2E;

/// <summary>The console's frame: its own error pages, its icon, a quiet page heading and a self-contained API reference.</summary>
[Collection(E2ECollection.Name)]
public sealed class ConsoleShellTests(BrowserFixture browser) : BrowserTest(browser)
{
    [Fact]
    public async Task AnUnknownAddress_ShowsTheConsolesNotFoundPage_WithA404()
    {
        var page = await Browser.NewSignedInPageAsync();

        var response = await page.GotoAsync("no-such-page/at-all");
        Assert.Equal(404, response!.Status);
        await BrowserFixture.WaitInteractiveAsync(page);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1, Name = "Page not found" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Console" })).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "not-found");
        await BrowserFixture.AssertNoSeriousAxeViolationsAsync(page);
    }

    [Fact]
    public async Task TheJobDashboard_ForAViewer_IsTheConsolesAccessDeniedPage()
    {
        var viewer = await Browser.CreateUserAsync(Role.Viewer);
        var page = await Browser.NewSignedInPageAsync(viewer);

        await page.GotoAsync("hangfire");
        await Expect(page).ToHaveURLAsync(new Regex("/forbidden"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1, Name = "Access denied" })).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "hangfire-viewer");
    }

    [Fact]
    public async Task TheJobDashboard_ForAVisitor_AsksToSignIn()
    {
        var page = await Browser.NewPageAsync();

        await page.GotoAsync("hangfire");
        await Expect(page).ToHaveURLAsync(new Regex("/login\\?returnUrl=%2Fhangfire"));
        await Expect(page.GetByLabel("Email")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task EveryPage_HasTheConsolesIcon()
    {
        var page = await Browser.NewPageAsync();
        await page.GotoAsync("login");

        var href = await page.Locator("link[rel=icon]").GetAttributeAsync("href");
        Assert.NotNull(href);
        var icon = await page.APIRequest.GetAsync(href!);
        Assert.Equal(200, icon.Status);
        Assert.Equal("image/svg+xml", icon.Headers["content-type"]);
    }

    [Fact]
    public async Task APageHeading_FocusedOnNavigation_DrawsNoFocusBox()
    {
        var page = await Browser.NewSignedInPageAsync(path: "/tasks");
        await page.GetByRole(AriaRole.Link, new() { Name = "Schedules" }).ClickAsync();

        var heading = page.GetByRole(AriaRole.Heading, new() { Level = 1, Name = "Schedules" });
        await Expect(heading).ToBeFocusedAsync();
        await Expect(heading).ToHaveCSSAsync("outline-style", "none");
    }

    [Fact]
    public async Task TheApiReference_LoadsNothingFromAnotherHost()
    {
        var page = await Browser.NewPageAsync();
        var elsewhere = new List<string>();
        var origin = new Uri(Browser.BaseAddress.GetLeftPart(UriPartial.Authority));
        page.Request += (_, request) =>
        {
            if (Uri.TryCreate(request.Url, UriKind.Absolute, out var url) && url.Scheme.StartsWith("http", StringComparison.Ordinal)
                && url.GetLeftPart(UriPartial.Authority) != origin.GetLeftPart(UriPartial.Authority))
            {
                lock (elsewhere) elsewhere.Add(request.Url);
            }
        };

        await page.GotoAsync("api-reference", new() { WaitUntil = WaitUntilState.NetworkIdle });
        await Expect(page.GetByText("TasksConsole API").First).ToBeVisibleAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await BrowserFixture.ScreenshotAsync(page, "api-reference");

        lock (elsewhere) Assert.True(elsewhere.Count == 0, "The API reference loaded from other hosts: " + string.Join(", ", elsewhere));
    }
}
