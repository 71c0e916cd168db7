using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using TasksConsole.Core.Execution.LocalRuntime;
using TasksConsole.Web.Tasks;
using static Microsoft.Playwright.Assertions;

namespace TasksConsole.Tests.E2E;

/// <summary>Exports open in a new tab: a file is saved, and a refusal (too many exports running) is read there.</summary>
[Collection(E2ECollection.Name)]
public sealed class TaskExportTests(BrowserFixture browser) : BrowserTest(browser)
{
    [Fact]
    public async Task ExportingAsCsv_SavesTheFilteredTasks()
    {
        var (page, task) = await TasksPageWithOneTaskAsync();

        // Chromium reports a download started from the new tab on the page that opened it.
        var download = await page.RunAndWaitForDownloadAsync(() => ExportAsync(page, "CSV"));

        Assert.StartsWith("tasks-", download.SuggestedFilename, StringComparison.Ordinal);
        Assert.Contains(task.Id, await File.ReadAllTextAsync(await download.PathAsync()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PastTheCapOfExportsRunning_TheNewTabSaysWhy()
    {
        var (page, _) = await TasksPageWithOneTaskAsync();
        var gate = Browser.Server.Services.GetRequiredService<ExportGate>();
        var running = Enumerable.Range(0, 4).Select(i => gate.TryEnter($"elsewhere-{i}", out _)!).ToList();
        try
        {
            var tab = await page.RunAndWaitForPopupAsync(() => ExportAsync(page, "JSON"));

            await Expect(tab.Locator("body")).ToContainTextAsync("exports are running on this server");
            await BrowserFixture.ScreenshotAsync(tab, "tasks-export-refused");
        }
        finally
        {
            running.ForEach(lease => lease.Dispose());
        }
    }

    private async Task<(IPage Page, E2ETask Task)> TasksPageWithOneTaskAsync()
    {
        var tag = UniqueTag();
        var task = await Browser.CreateTaskAsync(LocalDemoFunctions.Echo, startTimestamp: DateTimeOffset.UtcNow.AddHours(1), tags: [tag]);
        var page = await Browser.NewSignedInPageAsync(path: $"/tasks?all={tag}");
        await Expect(BrowserFixture.TaskRow(page, task.Id)).ToBeVisibleAsync();
        return (page, task);
    }

    private static async Task ExportAsync(IPage page, string format)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "Export the filtered tasks" }).ClickAsync();
        await page.GetByRole(AriaRole.Menuitem, new() { Name = format }).ClickAsync();
    }
}
