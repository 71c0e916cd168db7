using Microsoft.Playwright;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Execution.LocalRuntime;
using static Microsoft.Playwright.Assertions;

namespace TasksConsole.Tests.E2E;

/// <summary>The registry and admin pages render for the roles that may see them and pass the accessibility scan.</summary>
[Collection(E2ECollection.Name)]
public sealed class RegistryAndAdminPagesTests(BrowserFixture browser) : BrowserTest(browser)
{
    [Theory]
    [InlineData("/functions", "functions")]
    [InlineData("/functions/flaky", "function-detail")]
    [InlineData("/schedules", "schedules")]
    [InlineData("/admin/users", "admin-users")]
    [InlineData("/admin/tokens", "admin-tokens")]
    public async Task EachPage_RendersForAnAdmin_WithNoSeriousAccessibilityViolations(string path, string screenshot)
    {
        await Browser.CreateTaskAsync(LocalDemoFunctions.Flaky, new { failTimes = 0 });
        var page = await Browser.NewSignedInPageAsync(path: path);

        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, screenshot);
        await BrowserFixture.AssertNoSeriousAxeViolationsAsync(page);
    }

    [Fact]
    public async Task AViewer_SeesTheFunctions_ButNoControlsToChangeThem()
    {
        var viewer = await Browser.CreateUserAsync(Role.Viewer);
        var page = await Browser.NewSignedInPageAsync(viewer, "/functions/echo");

        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("echo");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Save" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Delete" })).ToHaveCountAsync(0);
        await BrowserFixture.ScreenshotAsync(page, "function-detail-viewer");
    }
}
