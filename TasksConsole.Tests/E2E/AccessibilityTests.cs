using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TasksConsole.Core.Execution.LocalRuntime;
using static Microsoft.Playwright.Assertions;

namespace TasksConsole.Tests.E2E;

/// <summary>axe-core scans: no serious or critical violations on the console's pages.</summary>
[Collection(E2ECollection.Name)]
public sealed class AccessibilityTests(BrowserFixture browser) : BrowserTest(browser)
{
    [Fact]
    public async Task LoginPage_HasNoSeriousAccessibilityViolations_EmptyOrShowingAnError()
    {
        var page = await Browser.NewPageAsync();

        await page.GotoAsync("login");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1, Name = "Sign in" })).ToBeVisibleAsync();
        await BrowserFixture.AssertNoSeriousAxeViolationsAsync(page);

        await page.GotoAsync("login?error=invalid");
        await Expect(page.Locator("#login-error")).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "a11y-login-error");
        await BrowserFixture.AssertNoSeriousAxeViolationsAsync(page);
    }

    [Fact]
    public async Task Dashboard_HasNoSeriousAccessibilityViolations()
    {
        var page = await Browser.NewSignedInPageAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();

        await BrowserFixture.ScreenshotAsync(page, "a11y-dashboard");
        await BrowserFixture.AssertNoSeriousAxeViolationsAsync(page);
    }

    [Fact]
    public async Task TasksPage_HasNoSeriousAccessibilityViolations_WithTasksInSeveralStates()
    {
        var tag = "e2e-a11y-" + Guid.NewGuid().ToString("N")[..8];
        var waiting = await Browser.CreateTaskAsync(LocalDemoFunctions.Echo, startTimestamp: DateTimeOffset.UtcNow.AddHours(1), tags: [tag]);
        var done = await Browser.CreateTaskAsync(LocalDemoFunctions.Echo, new { a11y = true }, tags: [tag]);
        var failing = await Browser.CreateTaskAsync(LocalDemoFunctions.Fail, tags: [tag]);

        var page = await Browser.NewSignedInPageAsync(path: "/tasks");
        foreach (var task in new[] { waiting, done, failing })
        {
            await Expect(BrowserFixture.TaskRow(page, task.Id)).ToBeVisibleAsync();
        }

        await BrowserFixture.ScreenshotAsync(page, "a11y-tasks");
        await BrowserFixture.AssertNoSeriousAxeViolationsAsync(page);
    }

    [Fact]
    public async Task TasksPage_HasNoSeriousAccessibilityViolations_InTheDarkTheme()
    {
        var task = await Browser.CreateTaskAsync(LocalDemoFunctions.Echo, startTimestamp: DateTimeOffset.UtcNow.AddHours(1));
        var page = await Browser.NewSignedInPageAsync(path: "/tasks");
        await Expect(BrowserFixture.TaskRow(page, task.Id)).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("dark theme", RegexOptions.IgnoreCase) }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("light theme", RegexOptions.IgnoreCase) })).ToBeVisibleAsync();
        // Away from the toggle, so its tooltip does not cover the screenshot.
        await page.Mouse.MoveAsync(640, 790);

        await BrowserFixture.ScreenshotAsync(page, "a11y-tasks-dark");
        await BrowserFixture.AssertNoSeriousAxeViolationsAsync(page);
    }
}
