using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Execution.LocalRuntime;
using static Microsoft.Playwright.Assertions;

namespace TasksConsole.Tests.E2E;

[Collection(E2ECollection.Name)]
public sealed class SchedulesPageTests(BrowserFixture browser) : BrowserTest(browser)
{
    [Fact]
    public async Task ACronScheduleInAZonePickedByTyping_IsCreatedWithTheKeyboardAlone()
    {
        var page = await Browser.NewSignedInPageAsync(path: "/schedules");
        await TabToAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Create schedule" }));
        await page.Keyboard.PressAsync("Enter");
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Create schedule" });
        await Expect(dialog).ToBeVisibleAsync();

        var function = dialog.GetByLabel("Function", new() { Exact = true });
        await TabToAsync(page, function);
        await page.Keyboard.TypeAsync("noop", new() { Delay = 40 });
        await Expect(OpenOptions(page)).ToHaveTextAsync(["noop"]);
        await page.Keyboard.PressAsync("Enter");
        await Expect(function).ToHaveValueAsync("noop");

        await TabToAsync(page, dialog.GetByRole(AriaRole.Radio, new() { Name = "Every N seconds" }));
        await page.Keyboard.PressAsync("ArrowDown");
        await Expect(dialog.GetByRole(AriaRole.Radio, new() { Name = "On a cron expression" })).ToBeCheckedAsync();
        await TabToAsync(page, dialog.GetByRole(AriaRole.Textbox, new() { Name = "Cron expression" }));
        await page.Keyboard.TypeAsync("0 9 * * *");

        // A region name on the way to a zone is an error at the field, not a dead page.
        var zone = dialog.GetByLabel("Time zone", new() { Exact = true });
        await TabToAsync(page, zone);
        await page.Keyboard.PressAsync("ControlOrMeta+a");
        await page.Keyboard.TypeAsync("Europe", new() { Delay = 60 });
        await Expect(dialog.GetByText("Not a time zone: pick one from the list")).ToBeVisibleAsync();

        // The list narrows as the city is typed.
        await page.Keyboard.PressAsync("ControlOrMeta+a");
        await page.Keyboard.TypeAsync("Amsterdam", new() { Delay = 40 });
        await Expect(OpenOptions(page)).ToHaveCountAsync(1);
        await Expect(OpenOptions(page)).ToContainTextAsync(["Europe/Amsterdam"]);

        // Escape in the drop-down closes only the drop-down: the dialog and what was typed stay.
        await page.Keyboard.PressAsync("Escape");
        await Expect(OpenOptions(page)).ToHaveCountAsync(0);
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(dialog.GetByRole(AriaRole.Textbox, new() { Name = "Cron expression" })).ToHaveValueAsync("0 9 * * *");

        await page.Keyboard.PressAsync("ArrowDown");
        await Expect(OpenOptions(page)).ToContainTextAsync(["Europe/Amsterdam"]);
        await page.Keyboard.PressAsync("Enter");
        await Expect(zone).ToHaveValueAsync("Europe/Amsterdam");
        await Expect(dialog.GetByText("Not a time zone: pick one from the list")).ToHaveCountAsync(0);
        await Expect(dialog.Locator("ol.firing-list li").First).ToContainTextAsync("09:00");

        // The start is typed in the console's one convention (ISO date, 24 h time), read in the schedule's zone:
        // 10:00 in Amsterdam on 2 January is past that day's 09:00, so the first firing is on the 3rd.
        await TabToAsync(page, dialog.GetByLabel("Start date (Europe/Amsterdam, optional)"));
        await page.Keyboard.TypeAsync("2030-01-02");
        await page.Keyboard.PressAsync("Tab");
        var startTime = dialog.GetByLabel("Start time");
        await Expect(startTime).ToBeEnabledAsync();
        await TabToAsync(page, startTime);
        await page.Keyboard.TypeAsync("10:00");
        await page.Keyboard.PressAsync("Tab");
        await Expect(dialog.Locator("ol.firing-list li").First).ToContainTextAsync("2030-01-03 09:00");

        await TabToAsync(page, dialog.GetByRole(AriaRole.Checkbox, new() { Name = "Create it paused" }));
        await page.Keyboard.PressAsync("Space");
        await BrowserFixture.ScreenshotAsync(page, "schedules-create-dialog-keyboard");
        await TabToAsync(page, dialog.GetByRole(AriaRole.Button, new() { Name = "Create", Exact = true }));
        await page.Keyboard.PressAsync("Enter");

        await Expect(dialog).ToHaveCountAsync(0);
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Europe/Amsterdam" }).First;
        await Expect(row).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "schedules-keyboard-created");

        // Resume and pause it from the keyboard: the focus stays on the button, which turns into the other action.
        var resume = row.GetByRole(AriaRole.Button, new() { Name = "Resume the noop schedule", Exact = false });
        await TabToAsync(page, resume);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator(":focus")).ToHaveAttributeAsync("aria-label", new Regex("^Pause the noop schedule"));
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator(":focus")).ToHaveAttributeAsync("aria-label", new Regex("^Resume the noop schedule"));

        // With no drop-down open, Escape closes the dialog.
        await page.GetByRole(AriaRole.Button, new() { Name = "Create schedule" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(dialog).ToBeVisibleAsync();
        await TabToAsync(page, dialog.GetByLabel("Interval (seconds)"));
        await page.Keyboard.PressAsync("Escape");
        await Expect(dialog).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Schedules_OnAPhone_FitTheScreen_AndTheirActionsAndDialogAreWithinReach()
    {
        var tag = $"phone-{Guid.NewGuid():N}"[..14];
        using (var admin = await Browser.CreateAdminClientAsync())
        {
            using var created = await admin.PostAsJsonAsync("tasks/v1/schedules",
                new { functionName = "noop", cron = "30 6 * * 1-5", timeZone = "America/New_York", tags = new[] { tag }, paused = true });
            created.EnsureSuccessStatusCode();
        }
        var page = await Browser.NewSignedInPageAsync(path: "/schedules");
        await page.SetViewportSizeAsync(390, 844);
        await BrowserFixture.GotoAsync(page, "/schedules");

        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = tag });
        await Expect(row).ToBeVisibleAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"),
            "the page scrolls sideways at 390 px");
        var resume = row.GetByRole(AriaRole.Button, new() { Name = "Resume the noop schedule", Exact = false });
        await Expect(resume).ToBeVisibleAsync();
        var box = await resume.BoundingBoxAsync();
        Assert.True(box is not null && box.X >= 0 && box.X + box.Width <= 390, $"Resume is off-screen: {box?.X} + {box?.Width}");
        await BrowserFixture.ScreenshotAsync(page, "schedules-phone");

        await page.GetByRole(AriaRole.Button, new() { Name = "Create schedule" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Create schedule" });
        await Expect(dialog).ToBeVisibleAsync();
        var dialogBox = await dialog.BoundingBoxAsync();
        Assert.True(dialogBox is not null && dialogBox.X >= 0 && dialogBox.X + dialogBox.Width <= 390, "the dialog is wider than the phone");
        await Expect(dialog.GetByRole(AriaRole.Button, new() { Name = "Create", Exact = true })).ToBeInViewportAsync();
        await BrowserFixture.ScreenshotAsync(page, "schedules-create-dialog-phone");
    }

    [Fact]
    public async Task FireNow_ByAnOperator_CreatesTheSchedulesTaskAtOnce_AndTheSnackbarLinksToIt()
    {
        var tag = $"fire-{Guid.NewGuid():N}"[..13];
        const string nextFiring = "2099-01-01T00:00:00.000Z";
        using var admin = await Browser.CreateAdminClientAsync();
        string scheduleId;
        using (var created = await admin.PostAsJsonAsync("tasks/v1/schedules",
                   new { functionName = LocalDemoFunctions.Noop, interval = 86400, startTimestamp = nextFiring, priority = 3, tags = new[] { tag } }))
        {
            created.EnsureSuccessStatusCode();
            scheduleId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        }
        var operatorUser = await Browser.CreateUserAsync(Role.Operator);
        var page = await Browser.NewSignedInPageAsync(operatorUser, path: "/schedules");

        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = tag });
        await Expect(row).ToBeVisibleAsync();
        // An operator may create tasks but not change schedules: Fire now is there, Pause is not.
        await Expect(row.GetByRole(AriaRole.Button, new() { Name = "Pause the noop schedule", Exact = false })).ToHaveCountAsync(0);
        await row.GetByRole(AriaRole.Button, new() { Name = "Fire the noop schedule", Exact = false }).ClickAsync();

        var snackbar = page.Locator(".mud-snackbar").Filter(new() { HasText = "Fired the noop schedule" });
        await Expect(snackbar).ToBeVisibleAsync();
        var link = snackbar.GetByRole(AriaRole.Link);
        var taskId = (await link.TextContentAsync())!.Trim();
        await BrowserFixture.ScreenshotAsync(page, "schedules-fired-now");

        var task = await Browser.GetTaskAsync(taskId);
        Assert.Equal((LocalDemoFunctions.Noop, 3L), (task.FunctionName, task.Priority));
        Assert.Equal([tag], task.Tags);
        Assert.InRange(task.StartTimestamp, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddSeconds(1));
        var linked = await admin.GetFromJsonAsync<JsonElement>($"tasks/v1/?eq(scheduleId,{scheduleId})");
        Assert.Equal([taskId], linked.GetProperty("data").EnumerateArray().Select(t => t.GetProperty("id").GetString()));
        var schedule = await admin.GetFromJsonAsync<JsonElement>($"tasks/v1/schedules?eq(id,{scheduleId})");
        Assert.Equal(nextFiring, schedule.GetProperty("data")[0].GetProperty("nextTimestamp").GetString());

        await link.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/tasks/{taskId}$"));
    }

    [Fact]
    public async Task Events_At1440px_ShowWholeTaskIds_AndTimesOnOneLine()
    {
        var failing = await Browser.CreateTaskAsync(LocalDemoFunctions.Fail, new { errorName = "WideScreenFailure", message = new string('m', 400) });
        var page = await Browser.NewSignedInPageAsync(path: "/events");
        await page.SetViewportSizeAsync(1440, 900);
        await BrowserFixture.GotoAsync(page, "/events");

        var link = page.Locator($"a[href='/tasks/{failing.Id}']").First;
        await Expect(link).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(link).ToHaveTextAsync(failing.Id);
        // The grid scrolls or clips inside its container: the id must end within the container, not just the window.
        Assert.True(await link.EvaluateAsync<bool>(
                "a => a.getBoundingClientRect().right <= a.closest('.mud-table-container').getBoundingClientRect().right"),
            "the task id is cut off");
        var row = page.GetByRole(AriaRole.Row).Filter(new() { Has = link });
        Assert.Equal(1, await row.Locator("time").First.EvaluateAsync<int>("time => time.getClientRects().length"));
        await BrowserFixture.ScreenshotAsync(page, "events-1440");
    }

    /// <summary>The items of the drop-down that is open now.</summary>
    private static ILocator OpenOptions(IPage page) => page.Locator(".mud-popover-open .mud-list-item");

    /// <summary>Presses Tab until <paramref name="target"/> has the focus; fails if it never gets it.</summary>
    private static async Task TabToAsync(IPage page, ILocator target, int maxPresses = 60)
    {
        for (var i = 0; i < maxPresses; i++)
        {
            if (await target.EvaluateAsync<bool>("element => element === document.activeElement")) return;
            await page.Keyboard.PressAsync("Tab");
        }
        Assert.Fail($"{maxPresses} presses of Tab never reached {target}.");
    }
}
