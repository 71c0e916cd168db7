using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using TasksConsole.Core.Data;
using TasksConsole.Core.Execution;
using TasksConsole.Core.Execution.LocalRuntime;
using TasksConsole.Core.Tasks;
using TasksConsole.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace TasksConsole.Tests.E2E;

[Collection(E2ECollection.Name)]
public sealed class RerunByFilterTests(BrowserFixture browser) : BrowserTest(browser)
{
    [Fact]
    public async Task ReRunningMatchingTasks_StatesTheCount_CopiesThem_AndEachCopyLinksToItsOriginal()
    {
        var tag = UniqueTag();
        var originals = await SeedCanceledAsync(2, tag);
        var page = await Browser.NewSignedInPageAsync(path: $"/tasks?any={tag}");
        await Expect(BrowserFixture.TaskRow(page, originals[0])).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("Re-run failed, canceled or retried tasks matching") }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog.GetByTestId("rerun-count")).ToHaveTextAsync("2");
        await Expect(dialog).ToContainTextAsync("in(status,failed,canceled,retried)");
        await dialog.GetByLabel("Add a tag to every copy (optional)").FillAsync(tag + "-again");
        await BrowserFixture.AssertNoSeriousAxeViolationsAsync(page);
        await BrowserFixture.ScreenshotAsync(page, "tasks-rerun-matching-confirm");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Re-run 2 tasks" }).ClickAsync();

        await Expect(dialog.GetByTestId("rerun-status")).ToContainTextAsync("Done: 2 copies created");
        await BrowserFixture.ScreenshotAsync(page, "tasks-rerun-matching-done");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();

        // The original's page lists its re-run; the copy's page links back.
        var detail = await Browser.NewSignedInPageAsync(path: $"/tasks/{originals[0]}");
        var rerunLink = detail.GetByTestId("reruns").GetByRole(AriaRole.Link);
        await Expect(rerunLink).ToHaveCountAsync(1);
        var copyId = await rerunLink.InnerTextAsync();
        await rerunLink.ClickAsync();
        await Expect(detail).ToHaveURLAsync(new Regex($"/tasks/{copyId}$"));
        await Expect(detail.GetByTestId("rerun-of")).ToHaveTextAsync(originals[0]);
        var copy = await Browser.GetTaskAsync(copyId);
        Assert.Contains(tag + "-again", copy.Tags);
        await BrowserFixture.ScreenshotAsync(detail, "task-detail-rerun-of");
    }

    [Fact]
    public async Task ReRunningAZombie_FromItsPage_WarnsThatItMayHaveRun_ThenListsTheCopy()
    {
        var zombie = (await StoredTasks.AddAsync(Browser.Server.Services, 1, new NewTask(LocalDemoFunctions.Noop, Tags: [UniqueTag()]), TaskState.Failed,
            task => task.SetError(TaskErrorTypes.Invocation, TaskOutcome.ZombieErrorName, "Node vm stopped while the task was running.")))[0];
        var page = await Browser.NewSignedInPageAsync(path: $"/tasks/{zombie}");

        await page.GetByTestId("rerun-task").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog.GetByTestId("rerun-zombie-warning")).ToContainTextAsync("may already have run");
        await BrowserFixture.AssertNoSeriousAxeViolationsAsync(page);
        await BrowserFixture.ScreenshotAsync(page, "task-detail-rerun-zombie");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Re-run 1 task" }).ClickAsync();
        await Expect(dialog.GetByTestId("rerun-status")).ToContainTextAsync("Done: 1 copy created");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();

        await Expect(page.GetByTestId("reruns").GetByRole(AriaRole.Link)).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task AReRunOfThousands_ShowsItsProgress_AndStopsWhenAsked_KeepingWhatItCopied()
    {
        var tag = UniqueTag();
        const int Count = 10_000;
        await SeedCanceledAsync(Count, tag);
        var page = await Browser.NewSignedInPageAsync(path: $"/tasks?any={tag}");
        await Expect(page.GetByTestId("task-total")).ToContainTextAsync("10,000");

        await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("Re-run failed, canceled or retried tasks matching") }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog.GetByTestId("rerun-count")).ToHaveTextAsync("10,000");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Re-run 10,000 tasks" }).ClickAsync();
        await dialog.GetByTestId("rerun-stop").ClickAsync();

        await Expect(dialog.GetByTestId("rerun-status")).ToContainTextAsync("Stopped:");
        await BrowserFixture.ScreenshotAsync(page, "tasks-rerun-matching-stopped");
        var shown = long.Parse(Regex.Match(await dialog.GetByTestId("rerun-status").InnerTextAsync(), @"Stopped: ([\d,]+)").Groups[1].Value.Replace(",", ""));
        var copies = await CountCopiesAsync(tag);
        Assert.Equal(copies, shown);
        Assert.InRange(copies, 1, Count - 1);
    }

    /// <summary>Canceled tasks written straight to the store: thousands in a second, where the API would take a while.</summary>
    private Task<List<string>> SeedCanceledAsync(int count, string tag) =>
        StoredTasks.AddAsync(Browser.Server.Services, count,
            new NewTask(LocalDemoFunctions.Noop, StartTimestamp: DateTimeOffset.UtcNow.AddHours(2), Tags: [tag]), TaskState.Canceled);

    private async Task<long> CountCopiesAsync(string tag)
    {
        await using var db = await Browser.Server.Services.GetRequiredService<IDbContextFactory<TasksDbContext>>().CreateDbContextAsync();
        var tagged = db.TaskTags.Where(t => t.Tag == tag).Select(t => t.TaskId);
        return await db.Tasks.LongCountAsync(t => t.RerunOfTaskId != null && tagged.Contains(t.Id));
    }
}
