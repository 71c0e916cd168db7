using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TasksConsole.Core.Execution.LocalRuntime;
using static Microsoft.Playwright.Assertions;

namespace TasksConsole.Tests.E2E;

[Collection(E2ECollection.Name)]
public sealed class TaskFilterAndBulkCancelTests(BrowserFixture browser) : BrowserTest(browser)
{
    private static DateTimeOffset Future => DateTimeOffset.UtcNow.AddHours(2);

    [Fact]
    public async Task FilteringByATag_ThroughTheUi_AndByOpeningTheUrl_ShowsOnlyThatTagsTasks()
    {
        var tag = UniqueTag();
        var tagged = await Browser.CreateTaskAsync(LocalDemoFunctions.Echo, startTimestamp: Future, tags: [tag]);
        var other = await Browser.CreateTaskAsync(LocalDemoFunctions.Echo, startTimestamp: Future, tags: [UniqueTag()]);
        var page = await Browser.NewSignedInPageAsync(path: "/tasks");
        await Expect(BrowserFixture.TaskRow(page, other.Id)).ToBeVisibleAsync();

        var anyOf = page.GetByRole(AriaRole.Textbox, new() { Name = "Any of these tags", Exact = true });
        await anyOf.FillAsync(tag);
        await anyOf.PressAsync("Enter");

        await Expect(BrowserFixture.TaskRow(page, tagged.Id)).ToBeVisibleAsync();
        await Expect(BrowserFixture.TaskRow(page, other.Id)).ToHaveCountAsync(0);
        await Expect(page).ToHaveURLAsync(new Regex($"any={Regex.Escape(tag)}"));
        var bookmark = page.Url;
        await BrowserFixture.ScreenshotAsync(page, "tasks-filtered-by-tag");

        // The same view from the address alone, in a fresh session.
        var shared = await Browser.NewSignedInPageAsync(path: new Uri(bookmark).PathAndQuery);
        await Expect(BrowserFixture.TaskRow(shared, tagged.Id)).ToBeVisibleAsync();
        await Expect(BrowserFixture.TaskRow(shared, other.Id)).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task BulkCancel_OfFutureTasksMatchingAFilter_StatesTheCount_AndCancelsThemAll()
    {
        var tag = UniqueTag();
        var tasks = new List<E2ETask>();
        for (var i = 0; i < 3; i++) tasks.Add(await Browser.CreateTaskAsync(LocalDemoFunctions.Echo, startTimestamp: Future, tags: [tag]));
        var untouched = await Browser.CreateTaskAsync(LocalDemoFunctions.Echo, startTimestamp: Future, tags: [UniqueTag()]);

        var page = await Browser.NewSignedInPageAsync(path: $"/tasks?any={tag}");
        await Expect(BrowserFixture.TaskRow(page, tasks[0].Id)).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("Cancel all new tasks matching") }).ClickAsync();

        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog).ToContainTextAsync("3");
        await BrowserFixture.ScreenshotAsync(page, "tasks-cancel-matching-confirm");
        await dialog.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Cancel 3") }).ClickAsync();
        await Expect(dialog.GetByRole(AriaRole.Button, new() { Name = "Close" })).ToBeVisibleAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();

        foreach (var task in tasks)
        {
            await Expect(BrowserFixture.TaskRow(page, task.Id)).ToContainTextAsync("canceled", new() { IgnoreCase = true });
            Assert.Equal("canceled", (await Browser.GetTaskAsync(task.Id)).Status);
        }
        Assert.Equal("new", (await Browser.GetTaskAsync(untouched.Id)).Status);
        await BrowserFixture.ScreenshotAsync(page, "tasks-after-bulk-cancel");
    }
}
