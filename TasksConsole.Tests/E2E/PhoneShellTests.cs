using Microsoft.Playwright;
using TasksConsole.Core.Auth;
using static Microsoft.Playwright.Assertions;

namespace TasksConsole.Tests.E2E;

/// <summary>The console's frame on a phone (390x844): everything in the app bar stays on screen and works.</summary>
[Collection(E2ECollection.Name)]
public sealed class PhoneShellTests(BrowserFixture browser) : BrowserTest(browser)
{
    [Fact]
    public async Task OnAPhone_SignOutIsOnScreen_AndSignsOut()
    {
        var user = await Browser.CreateUserAsync(Role.Operator);
        var page = await Browser.NewSignedInPageAsync(user, "/tasks");
        await page.SetViewportSizeAsync(390, 844);
        await BrowserFixture.GotoAsync(page, "/tasks");

        var signOut = page.GetByRole(AriaRole.Banner).GetByRole(AriaRole.Button, new() { Name = "Sign out" });
        await Expect(signOut).ToBeVisibleAsync();
        await Expect(signOut).ToBeInViewportAsync(new() { Ratio = 1 });
        var box = await signOut.BoundingBoxAsync();
        Assert.NotNull(box);
        Assert.True(box.X >= 0 && box.X + box.Width <= 390, $"Sign out lies at x {box.X}..{box.X + box.Width}, outside the 390 px screen.");
        await BrowserFixture.ScreenshotAsync(page, "phone-shell");

        await signOut.ClickAsync();
        await Expect(page.GetByLabel("Email")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task OnADesktop_TheAppBarHasOneSignOut_WithTheUsersEmail()
    {
        var user = await Browser.CreateUserAsync(Role.Operator);
        var page = await Browser.NewSignedInPageAsync(user, "/tasks");

        var banner = page.GetByRole(AriaRole.Banner);
        await Expect(banner.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToHaveCountAsync(1);
        await Expect(banner.GetByText(user.Email)).ToBeVisibleAsync();
        var box = await banner.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).BoundingBoxAsync();
        var bar = await banner.BoundingBoxAsync();
        Assert.True(box!.Y >= bar!.Y && box.Y + box.Height <= bar.Y + bar.Height, "Sign out spills out of the app bar.");
        await BrowserFixture.ScreenshotAsync(page, "desktop-shell");
    }
}
