using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Execution.LocalRuntime;
using static Microsoft.Playwright.Assertions;

namespace TasksConsole.Tests.E2E;

[Collection(E2ECollection.Name)]
public sealed class TasksPageTests(BrowserFixture browser) : BrowserTest(browser)
{
    private static readonly Regex Complete = new(@"\bcomplete\b", RegexOptions.IgnoreCase);
    // The verb only: the status filter offers a "canceled" chip to everyone.
    private static readonly Regex Cancel = new(@"\bcancel\b", RegexOptions.IgnoreCase);

    [Fact]
    public async Task AnEchoTaskScheduledThroughTheApi_ReachesComplete_OnTheTasksPage_WithoutAReload()
    {
        var page = await Browser.NewSignedInPageAsync(path: "/tasks");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1, Name = "Tasks" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Table).First).ToBeVisibleAsync();
        // A reload or a full navigation would drop this; only live updates keep it.
        await page.EvaluateAsync("() => { window.__e2eSamePage = true; }");

        var task = await Browser.CreateTaskAsync(LocalDemoFunctions.Echo, new { hello = "e2e" }, tags: [UniqueTag()]);

        var row = BrowserFixture.TaskRow(page, task.Id);
        try
        {
            await Expect(row).ToBeVisibleAsync();
            await Expect(row).ToContainTextAsync(Complete);
        }
        catch (PlaywrightException ex)
        {
            await BrowserFixture.ScreenshotAsync(page, "tasks-live-update-failed");
            var now = await Browser.GetTaskAsync(task.Id);
            throw new Xunit.Sdk.XunitException(
                $"Task {task.Id} did not show up as complete on /tasks without a reload (the API says it is '{now.Status}'). " +
                $"The grid must follow the live change feed. {ex.Message}");
        }
        Assert.True(await page.EvaluateAsync<bool>("() => window.__e2eSamePage === true"), "The tasks page reloaded; it should update in place.");
        await BrowserFixture.ScreenshotAsync(page, "tasks-live-complete");
    }

    [Fact]
    public async Task AViewer_SeesNoCancelControls_AndTheApiRefusesTheirCancel()
    {
        // Far in the future, so the task stays new: the one state where an operator could cancel it.
        var task = await Browser.CreateTaskAsync(LocalDemoFunctions.Echo, startTimestamp: DateTimeOffset.UtcNow.AddHours(1), tags: [UniqueTag()]);
        var viewer = await Browser.CreateUserAsync(Role.Viewer);

        var page = await Browser.NewSignedInPageAsync(viewer, "/tasks");
        await Expect(BrowserFixture.TaskRow(page, task.Id)).ToBeVisibleAsync();

        var cancelControls = page.GetByRole(AriaRole.Button, new() { NameRegex = Cancel })
            .Or(page.GetByRole(AriaRole.Menuitem, new() { NameRegex = Cancel }))
            .Or(page.GetByRole(AriaRole.Link, new() { NameRegex = Cancel }));
        await Expect(cancelControls).ToHaveCountAsync(0);
        await BrowserFixture.ScreenshotAsync(page, "tasks-viewer");

        using var api = await Browser.CreateApiClientAsync(viewer);
        using var response = await api.PostAsync($"tasks/v1/{task.Id}/cancel", null);
        var body = await response.Content.ReadAsStringAsync();
        Assert.False(response.IsSuccessStatusCode, $"A viewer's cancel was accepted: {body}");
        using var error = JsonDocument.Parse(body);
        Assert.Equal(10, error.RootElement.GetProperty("code").GetInt32());
        Assert.Equal("new", (await Browser.GetTaskAsync(task.Id)).Status);
    }
}
