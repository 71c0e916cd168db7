using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TasksConsole.Core.Auth;
using TasksConsole.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace TasksConsole.Tests.E2E;

[Collection(E2ECollection.Name)]
public sealed class SignInTests(BrowserFixture browser) : BrowserTest(browser)
{
    [Fact]
    public async Task SignIn_WithAWrongPassword_ShowsAnError_AndStaysOnTheLoginPage()
    {
        // A user of its own: failed sign-ins count against the email, and the admin must never be throttled.
        var user = await Browser.CreateUserAsync(Role.Viewer);
        var page = await Browser.NewPageAsync();
        await page.GotoAsync("login");

        await BrowserFixture.SubmitLoginFormAsync(page, user.Email, "not-" + user.Password);

        await Expect(page).ToHaveURLAsync(new Regex(@"/login\?error=invalid"));
        var error = page.Locator("#login-error");
        await Expect(error).ToBeVisibleAsync();
        await Expect(error).ToContainTextAsync("The email or password is not correct.");
        await Expect(page.GetByLabel("Password")).ToHaveAttributeAsync("aria-invalid", "true");
        await BrowserFixture.ScreenshotAsync(page, "login-wrong-password");
    }

    [Fact]
    public async Task SignIn_WithTheRightPassword_LandsOnTheDashboard()
    {
        var page = await Browser.NewPageAsync();
        await page.GotoAsync("login");
        await BrowserFixture.ScreenshotAsync(page, "login");

        await BrowserFixture.SubmitLoginFormAsync(page, LiveServer.AdminEmail, LiveServer.AdminPassword);

        await Expect(page).ToHaveURLAsync(new Uri(Browser.BaseAddress, "/").ToString());
        await BrowserFixture.WaitInteractiveAsync(page);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1, NameRegex = new Regex("Dashboard") })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Banner)).ToContainTextAsync(LiveServer.AdminEmail);
        await BrowserFixture.ScreenshotAsync(page, "dashboard");
    }

    [Fact]
    public async Task SignIn_FromAProtectedPage_ReturnsToThatPage()
    {
        var page = await Browser.NewPageAsync();

        await page.GotoAsync("tasks");
        await Expect(page).ToHaveURLAsync(new Regex(@"/login\?returnUrl=%2Ftasks$"));
        await BrowserFixture.SubmitLoginFormAsync(page, LiveServer.AdminEmail, LiveServer.AdminPassword);

        await Expect(page).ToHaveURLAsync(new Uri(Browser.BaseAddress, "/tasks").ToString());
        await BrowserFixture.WaitInteractiveAsync(page);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1, Name = "Tasks" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task SignOut_ReturnsToTheLoginPage_AndEndsTheSession()
    {
        var user = await Browser.CreateUserAsync(Role.Operator);
        var page = await Browser.NewSignedInPageAsync(user);

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();

        // Signing out ends the session on the server too, so the page's live connection may send it to sign in
        // (with a return URL) before the sign-out's own redirect lands: either way, the login page.
        await Expect(page).ToHaveURLAsync(new Regex(@"/login(\?returnUrl=%2F)?$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1, Name = "Sign in" })).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "signed-out");

        // The cookie is gone: the console sends the browser back to sign in.
        await page.GotoAsync("tasks");
        await Expect(page).ToHaveURLAsync(new Regex(@"/login\?returnUrl=%2Ftasks$"));
    }
}
