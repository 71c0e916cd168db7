using Microsoft.Playwright;
using TasksConsole.Core.Execution.LocalRuntime;
using static Microsoft.Playwright.Assertions;

namespace TasksConsole.Tests.E2E;

[Collection(E2ECollection.Name)]
public sealed class TaskDetailPageTests(BrowserFixture browser) : BrowserTest(browser)
{
    [Fact]
    public async Task AFlakyTasksPage_DrawsItsWholeRetryChain_AsTheAttemptsHappen()
    {
        // flaky fails twice, then succeeds: three attempts linked by retriedByTaskId / retryForTaskIds.
        var first = await Browser.CreateTaskAsync(LocalDemoFunctions.Flaky, new { failTimes = 2 });
        var page = await Browser.NewSignedInPageAsync(path: $"/tasks/{first.Id}");

        var chain = page.GetByRole(AriaRole.Navigation, new() { Name = "Retry chain" });
        var attempts = chain.Locator("li");
        await Expect(attempts).ToHaveCountAsync(3, new() { Timeout = 60_000 });
        await Expect(attempts.Nth(2)).ToContainTextAsync("complete", new() { IgnoreCase = true, Timeout = 30_000 });
        await Expect(attempts.Nth(0)).ToContainTextAsync("retried", new() { IgnoreCase = true });
        await Expect(attempts.Nth(1)).ToContainTextAsync("retried", new() { IgnoreCase = true });
        await Expect(attempts.Nth(0).Locator("[aria-current=page]")).ToHaveCountAsync(1);

        var last = await Browser.GetTaskAsync((await Browser.GetTaskAsync((await Browser.GetTaskAsync(first.Id)).RetriedByTaskId!)).RetriedByTaskId!);
        Assert.Equal("complete", last.Status);
        await Expect(attempts.Nth(2).Locator($"a[href='/tasks/{last.Id}']")).ToBeVisibleAsync();

        await BrowserFixture.ScreenshotAsync(page, "task-detail-retry-chain");
        await BrowserFixture.AssertNoSeriousAxeViolationsAsync(page);

        // Following the last attempt's link lands on its own page, where it is the highlighted one.
        await attempts.Nth(2).Locator("a").ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/tasks/{last.Id}$"));
        await Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Retry chain" }).Locator("li").Nth(2).Locator("[aria-current=page]"))
            .ToHaveCountAsync(1);
    }

    [Fact]
    public async Task EventsAndDashboard_ShowAFailure_AndPassTheAccessibilityScan()
    {
        var failing = await Browser.CreateTaskAsync(LocalDemoFunctions.Fail, new { errorName = "E2EFailure", message = "seen on the events page" });
        var events = await Browser.NewSignedInPageAsync(path: "/events");

        await Expect(events.Locator($"a[href='/tasks/{failing.Id}']").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(events.GetByText("E2EFailure").First).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(events, "events");
        await BrowserFixture.AssertNoSeriousAxeViolationsAsync(events);

        await BrowserFixture.GotoAsync(events, "/");
        await Expect(events.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(events, "dashboard");
        await BrowserFixture.AssertNoSeriousAxeViolationsAsync(events);
    }
}
