using Microsoft.Playwright;
using TasksConsole.Core.Execution.LocalRuntime;
using static Microsoft.Playwright.Assertions;

namespace TasksConsole.Tests.E2E;

/// <summary>Searching inside tasks from the tasks page: the data filter and the error filter, from a link and by typing.</summary>
[Collection(E2ECollection.Name)]
public sealed class TaskSearchTests(BrowserFixture browser) : BrowserTest(browser)
{
    [Fact]
    public async Task ADataFilterInTheUrl_ShowsOnlyTheTasksWhoseDataMatches_AndTheFieldsShowIt()
    {
        var tag = UniqueTag();
        var later = DateTimeOffset.UtcNow.AddHours(1);
        var gold = await Browser.CreateTaskAsync(LocalDemoFunctions.Echo, data: new { customer = new { id = "c-17", tier = "gold" }, amount = 120 }, startTimestamp: later, tags: [tag]);
        var silver = await Browser.CreateTaskAsync(LocalDemoFunctions.Echo, data: new { customer = new { id = "c-18", tier = "silver" }, amount = 80 }, startTimestamp: later, tags: [tag]);

        var page = await Browser.NewSignedInPageAsync(path: $"/tasks?all={tag}&data=customer.tier&dataValue=gold");

        await Expect(BrowserFixture.TaskRow(page, gold.Id)).ToBeVisibleAsync();
        await Expect(BrowserFixture.TaskRow(page, silver.Id)).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("data-path")).ToHaveValueAsync("customer.tier");
        await Expect(page.GetByTestId("data-value")).ToHaveValueAsync("gold");
        await Expect(page.GetByTestId("filters-toggle")).ToContainTextAsync("2 active");
        await BrowserFixture.ScreenshotAsync(page, "tasks-data-filter");
        await BrowserFixture.AssertNoSeriousAxeViolationsAsync(page);

        // Typed: a number compares as a number, and the URL follows.
        var value = page.GetByTestId("data-value");
        await page.GetByTestId("data-path").FillAsync("amount");
        await page.GetByTestId("data-operator").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "greater than" }).ClickAsync();
        await value.FillAsync("100");
        await page.WaitForURLAsync(url => url.Contains("data=amount", StringComparison.Ordinal) && url.Contains("dataOp=gt", StringComparison.Ordinal)
                                          && url.Contains("dataValue=100", StringComparison.Ordinal));
        await Expect(BrowserFixture.TaskRow(page, gold.Id)).ToBeVisibleAsync();
        await Expect(BrowserFixture.TaskRow(page, silver.Id)).ToHaveCountAsync(0);

        await value.FillAsync("50");
        await Expect(BrowserFixture.TaskRow(page, silver.Id)).ToBeVisibleAsync();
        await Expect(BrowserFixture.TaskRow(page, gold.Id)).ToBeVisibleAsync();
    }

    [Fact]
    public async Task ABadDataPath_IsAnErrorAtTheField_AndFiltersNothing()
    {
        var tag = UniqueTag();
        var task = await Browser.CreateTaskAsync(LocalDemoFunctions.Echo, startTimestamp: DateTimeOffset.UtcNow.AddHours(1), tags: [tag]);
        var page = await Browser.NewSignedInPageAsync(path: $"/tasks?all={tag}");
        await Expect(BrowserFixture.TaskRow(page, task.Id)).ToBeVisibleAsync();

        await page.GetByTestId("data-path").FillAsync("order id");

        await Expect(page.GetByText("Names of letters, digits, '_' or '-' joined by '.'")).ToBeVisibleAsync();
        await Expect(BrowserFixture.TaskRow(page, task.Id)).ToBeVisibleAsync();
        Assert.DoesNotContain("data=", page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnAPhone_TheDataFilterAndTheViewButtonsFitTheScreen()
    {
        var tag = UniqueTag();
        await Browser.CreateTaskAsync(LocalDemoFunctions.Echo, data: new { order = new { id = "A-17" } }, startTimestamp: DateTimeOffset.UtcNow.AddHours(1), tags: [tag]);
        var page = await Browser.NewSignedInPageAsync(path: "/tasks");
        await page.SetViewportSizeAsync(390, 844);
        await BrowserFixture.GotoAsync(page, $"/tasks?all={tag}&data=order.id&dataValue=A-17");
        // On a phone the filters start folded; unfold them once the page has folded them.
        var toggle = page.GetByTestId("filters-toggle");
        await Expect(toggle).ToHaveAttributeAsync("aria-expanded", "false");
        await toggle.ClickAsync();
        await Expect(page.GetByTestId("data-path")).ToBeVisibleAsync();

        foreach (var testId in new[] { "data-path", "data-operator", "data-value", "error-text", "save-view", "views-menu" })
        {
            var box = await page.GetByTestId(testId).BoundingBoxAsync();
            Assert.True(box is { } b && b.X >= 0 && b.X + b.Width <= 390, $"{testId} leaves the screen: {box?.X} + {box?.Width}");
        }
        await BrowserFixture.ScreenshotAsync(page, "tasks-data-filter-phone");
    }
}
