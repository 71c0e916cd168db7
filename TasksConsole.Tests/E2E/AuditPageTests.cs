using Microsoft.Playwright;
using TasksConsole.Core.Execution.LocalRuntime;
using TasksConsole.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace TasksConsole.Tests.E2E;

[Collection(E2ECollection.Name)]
public sealed class AuditPageTests(BrowserFixture browser) : BrowserTest(browser)
{
    [Fact]
    public async Task ACancelInTheConsole_IsRecordedAsTheSignedInUser_OnTheTaskPageAndInTheAuditTrail()
    {
        var task = await Browser.CreateTaskAsync(LocalDemoFunctions.Echo, startTimestamp: DateTimeOffset.UtcNow.AddHours(1));
        var page = await Browser.NewSignedInPageAsync(path: $"/tasks/{task.Id}");

        await page.GetByTestId("cancel-task").ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Cancel task" }).ClickAsync();

        // The page reloads the canceled task with who canceled it, from the console.
        await Expect(page.GetByTestId("canceled-by")).ToContainTextAsync(LiveServer.AdminEmail);
        await Expect(page.GetByTestId("canceled-by")).ToContainTextAsync("console");

        await BrowserFixture.GotoAsync(page, $"/admin/audit?action=task.cancel&target={task.Id}");
        var rows = page.GetByTestId("audit-entries").Locator("tbody tr");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToContainTextAsync(LiveServer.AdminEmail);
        await Expect(rows.First).ToContainTextAsync("task.cancel");
        await Expect(rows.First).ToContainTextAsync("console");
        await Expect(page.GetByTestId("audit-count")).ToContainTextAsync("1 entry");
        await BrowserFixture.AssertNoSeriousAxeViolationsAsync(page);
        await BrowserFixture.ScreenshotAsync(page, "audit-trail-filtered");

        // The export link carries the same filter.
        var export = await page.GetByTestId("audit-export").GetAttributeAsync("href");
        Assert.Contains("task.cancel", export);
        Assert.Contains(task.Id, export);
    }

    [Fact]
    public async Task AnOperator_IsNotShownTheAuditTrail()
    {
        var user = await Browser.CreateUserAsync(Core.Auth.Role.Operator);
        var page = await Browser.NewSignedInPageAsync(user, path: "/admin/audit");

        await Expect(page.GetByTestId("audit-entries")).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).Not.ToHaveTextAsync("Audit trail");
    }
}
