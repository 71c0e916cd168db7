using Microsoft.Playwright;
using TasksConsole.Tests.Infrastructure;
using TasksConsole.Web.Auth;
using static Microsoft.Playwright.Assertions;

namespace TasksConsole.Tests.E2E;

/// <summary>
/// A first start as the README describes it: no admin password configured, so the service generates one into a
/// file, and the first sign-in leads to choosing a new password before anything else.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class FirstStartTests(BrowserFixture browser) : BrowserTest(browser)
{
    [Fact]
    public async Task TheGeneratedPassword_SignsIn_ThenANewOneIsChosen_AndTheFileIsGone()
    {
        await using var server = await LiveServer.StartAsync(new Dictionary<string, string?> { ["Auth:BootstrapAdmin:Password"] = "" });
        var file = Path.Combine(server.DataDirectory, BootstrapPasswordFile.FileName);
        Assert.True(File.Exists(file), $"{file} should hold the generated password");
        var generated = (await File.ReadAllTextAsync(file)).Trim();
        await using var context = await Browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.BaseAddress.ToString() });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(BrowserFixture.TimeoutMs);

        await page.GotoAsync("login");
        await BrowserFixture.SubmitLoginFormAsync(page, LiveServer.AdminEmail, generated);

        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/change-password");
        // Nothing else opens until the password is changed.
        await page.GotoAsync("tasks");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/change-password");
        await BrowserFixture.ScreenshotAsync(page, "first-start-change-password");
        await BrowserFixture.AssertNoSeriousAxeViolationsAsync(page);

        const string chosen = "A-new-admin-passw0rd";
        await page.GetByLabel("Current password").FillAsync(generated);
        await page.GetByLabel("New password (").FillAsync(chosen);
        await page.GetByLabel("New password again").FillAsync(chosen);
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();

        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath != "/change-password");
        await BrowserFixture.WaitInteractiveAsync(page);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
        Assert.False(File.Exists(file), "the file is deleted once the password is changed");
    }
}
