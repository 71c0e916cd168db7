using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Execution.LocalRuntime;
using static Microsoft.Playwright.Assertions;

namespace TasksConsole.Tests.E2E;

/// <summary>Saving the tasks page's filter as a view, sharing it, and watching its count on the dashboard.</summary>
[Collection(E2ECollection.Name)]
public sealed class SavedViewsTests(BrowserFixture browser) : BrowserTest(browser)
{
    [Fact]
    public async Task ASavedSharedPinnedView_OpensFromTheMenu_CountsLiveOnTheDashboard_AndCanBeDeleted()
    {
        var tag = UniqueTag("view");
        var later = DateTimeOffset.UtcNow.AddHours(1);
        for (var i = 0; i < 2; i++) await Browser.CreateTaskAsync(LocalDemoFunctions.Echo, startTimestamp: later, tags: [tag]);
        var name = $"Backlog {tag}";
        var page = await Browser.NewSignedInPageAsync(path: $"/tasks?status=new&all={tag}");

        await page.GetByTestId("save-view").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Save this view" });
        await Expect(dialog.GetByTestId("save-view-query")).ToHaveTextAsync($"status=new&all={tag}");
        await Expect(dialog.GetByRole(AriaRole.Textbox, new() { Name = "Name" })).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync(name, new() { Delay = 10 });
        await dialog.GetByText("Share with everyone").ClickAsync();
        await BrowserFixture.AssertNoSeriousAxeViolationsAsync(page);
        await BrowserFixture.ScreenshotAsync(page, "saved-view-dialog");
        await dialog.GetByTestId("save-view-submit").ClickAsync();
        await Expect(page.Locator(".mud-snackbar")).ToContainTextAsync($"Saved the view '{name}'");
        await Expect(page.GetByTestId("views-menu")).ToContainTextAsync($"View: {name}");
        await Expect(page.GetByTestId("save-view")).ToHaveCountAsync(0);

        // The dashboard shows it with its count, which follows new tasks.
        await BrowserFixture.GotoAsync(page, "/");
        var card = page.GetByTestId("pinned-views").GetByRole(AriaRole.Link, new() { NameRegex = new Regex(Regex.Escape(name)) });
        await Expect(card).ToContainTextAsync("2");
        await Browser.CreateTaskAsync(LocalDemoFunctions.Echo, startTimestamp: later, tags: [tag]);
        await Expect(card).ToContainTextAsync("3", new() { Timeout = 15_000 });
        await BrowserFixture.AssertNoSeriousAxeViolationsAsync(page);
        await BrowserFixture.ScreenshotAsync(page, "saved-views-dashboard");

        // Everyone sees a shared view, and it opens the filter it saved.
        var viewer = await Browser.CreateUserAsync(Role.Viewer);
        var theirs = await Browser.NewSignedInPageAsync(viewer, "/tasks");
        await theirs.GetByTestId("views-menu").ClickAsync();
        await theirs.GetByRole(AriaRole.Menuitem, new() { NameRegex = new Regex(Regex.Escape(name)) }).ClickAsync();
        await theirs.WaitForURLAsync(url => url.Contains($"all={tag}", StringComparison.Ordinal));
        await Expect(theirs.GetByTestId("task-total")).ToContainTextAsync("3 tasks match");
        // A viewer cannot delete someone else's view.
        await theirs.GetByTestId("views-menu").ClickAsync();
        await Expect(theirs.GetByTestId("delete-view")).ToHaveCountAsync(0);

        // Its owner deletes it, and it leaves the dashboard.
        await card.ClickAsync();
        await page.WaitForURLAsync(url => url.Contains($"all={tag}", StringComparison.Ordinal));
        await page.GetByTestId("views-menu").ClickAsync();
        await page.GetByTestId("delete-view").ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Delete view" }).ClickAsync();
        await Expect(page.Locator(".mud-snackbar")).ToContainTextAsync($"Deleted the view '{name}'");
        await BrowserFixture.GotoAsync(page, "/");
        await Expect(page.GetByText(name)).ToHaveCountAsync(0);
    }
}
