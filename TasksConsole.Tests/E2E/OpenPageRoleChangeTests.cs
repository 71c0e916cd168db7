using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Execution.LocalRuntime;
using static Microsoft.Playwright.Assertions;

namespace TasksConsole.Tests.E2E;

/// <summary>
/// A page left open keeps working for its user only while the user keeps their standing: an admin's demotion or
/// disabling takes effect on the next action, and a disabled user's idle page ends on its own.
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class OpenPageRoleChangeTests(BrowserFixture browser) : BrowserTest(browser)
{
    [Fact]
    public async Task AnOperatorMadeAViewer_CannotConfirmACancelTheyOpenedBefore_AndThePageComesBackAsAViewerSeesIt()
    {
        var task = await Browser.CreateTaskAsync(LocalDemoFunctions.Echo, startTimestamp: DateTimeOffset.UtcNow.AddHours(1));
        var user = await Browser.CreateUserAsync(Role.Operator);
        var page = await Browser.NewSignedInPageAsync(user, $"/tasks/{task.Id}");
        var confirm = await OpenCancelConfirmationAsync(page);

        await UpdateUserAsync(user, new { role = "viewer" });
        await ClickIfStillThereAsync(confirm);

        // Back on the same task through the cookie, which now carries the viewer role: no cancel button.
        await Expect(page).ToHaveURLAsync(new Regex($"/tasks/{task.Id}$"));
        await BrowserFixture.WaitInteractiveAsync(page);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync(task.Id);
        await Expect(page.GetByTestId("cancel-task")).ToHaveCountAsync(0);
        await BrowserFixture.ScreenshotAsync(page, "role-change-demoted-task");
        Assert.Equal("new", (await Browser.GetTaskAsync(task.Id)).Status);
    }

    [Fact]
    public async Task ADisabledOperator_CannotConfirmACancelTheyOpenedBefore_AndLandsOnTheSignInPage()
    {
        var task = await Browser.CreateTaskAsync(LocalDemoFunctions.Echo, startTimestamp: DateTimeOffset.UtcNow.AddHours(1));
        var user = await Browser.CreateUserAsync(Role.Operator);
        var page = await Browser.NewSignedInPageAsync(user, $"/tasks/{task.Id}");
        var confirm = await OpenCancelConfirmationAsync(page);

        await UpdateUserAsync(user, new { disabled = true });
        await ClickIfStillThereAsync(confirm);

        await Expect(page).ToHaveURLAsync(new Regex("/login"));
        await Expect(page.GetByLabel("Email")).ToBeVisibleAsync();
        Assert.Equal("new", (await Browser.GetTaskAsync(task.Id)).Status);
    }

    [Fact]
    public async Task ADisabledUsersIdlePage_EndsOnItsOwn_OnTheSignInPage()
    {
        var user = await Browser.CreateUserAsync(Role.Operator);
        var page = await Browser.NewSignedInPageAsync(user, "/tasks");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1, Name = "Tasks" })).ToBeVisibleAsync();

        await UpdateUserAsync(user, new { disabled = true });

        // Nothing is clicked: the circuit's periodic re-check (every few seconds) ends it. Bounded well under
        // the minute the page used to stay usable.
        await Expect(page).ToHaveURLAsync(new Regex("/login"), new() { Timeout = 30_000 });
        await Expect(page.GetByLabel("Email")).ToBeVisibleAsync();
    }

    /// <summary>Clicks the task page's Cancel and returns the confirmation's confirm button, once it is shown.</summary>
    private static async Task<ILocator> OpenCancelConfirmationAsync(IPage page)
    {
        await page.GetByTestId("cancel-task").ClickAsync();
        var confirm = page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Cancel task" });
        await Expect(confirm).ToBeVisibleAsync();
        return confirm;
    }

    /// <summary>
    /// Clicks, unless the page has already left: any activity on the circuit after the change, even the browser
    /// acknowledging a render, is refused the same way and sends the page off, so the button may be gone first.
    /// </summary>
    private static async Task ClickIfStillThereAsync(ILocator button)
    {
        try
        {
            await button.ClickAsync(new() { Timeout = 3_000 });
        }
        catch (TimeoutException)
        {
            // Already on its way to the sign-in page: the outcome below is what the test checks.
        }
    }

    private async Task UpdateUserAsync(E2EUser user, object changes)
    {
        using var admin = await Browser.CreateAdminClientAsync();
        using var response = await admin.PutAsJsonAsync($"admin/v1/users/{user.Id}", changes);
        Assert.True(response.IsSuccessStatusCode, $"Updating {user.Email}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}
