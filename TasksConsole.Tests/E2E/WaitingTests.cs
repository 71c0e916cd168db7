using Microsoft.Playwright;
using TasksConsole.Core.Execution.LocalRuntime;
using static Microsoft.Playwright.Assertions;

namespace TasksConsole.Tests.E2E;

/// <summary>"Why is it waiting?" on the task page, and the stuck tasks page.</summary>
[Collection(E2ECollection.Name)]
public sealed class WaitingTests(BrowserFixture browser) : BrowserTest(browser)
{
    [Fact]
    public async Task ATaskThatStartsLater_SaysSoOnItsPage_AndThePagesPassAxe()
    {
        var task = await Browser.CreateTaskAsync(LocalDemoFunctions.Echo, startTimestamp: DateTimeOffset.UtcNow.AddHours(2));
        var page = await Browser.NewSignedInPageAsync(path: $"/tasks/{task.Id}");

        var waiting = page.GetByTestId("task-waiting");
        await Expect(waiting).ToContainTextAsync("Why is it waiting?");
        await Expect(waiting).ToContainTextAsync("It waits for its start time");
        await BrowserFixture.AssertNoSeriousAxeViolationsAsync(page);
        await BrowserFixture.ScreenshotAsync(page, "task-waiting");

        // Once it is canceled there is nothing to wait for, and the explanation goes.
        var api = await Browser.CreateAdminClientAsync();
        (await api.PostAsync($"/tasks/v1/{task.Id}/cancel", null)).EnsureSuccessStatusCode();
        await Expect(waiting).ToHaveCountAsync(0, new() { Timeout = 15_000 });

        await page.GetByRole(AriaRole.Link, new() { Name = "Stuck tasks" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Stuck tasks", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("no-stuck-tasks").Or(page.GetByTestId("stuck-tasks"))).ToBeVisibleAsync();
        await BrowserFixture.AssertNoSeriousAxeViolationsAsync(page);
    }
}
