using System.Text.RegularExpressions;
using System.Threading.Channels;
using Microsoft.Playwright;
using TasksConsole.Core.Execution.LocalRuntime;
using static Microsoft.Playwright.Assertions;

namespace TasksConsole.Tests.E2E;

/// <summary>
/// The tasks list and the task page used with the keyboard only, and on a phone-sized screen (390x844).
/// </summary>
[Collection(E2ECollection.Name)]
public sealed class TasksKeyboardAndPhoneTests(BrowserFixture browser) : BrowserTest(browser)
{
    [Fact]
    public async Task KeyboardOnly_SchedulesTheTypedFunction_AndTheStatusChipsShowFocus()
    {
        var tag = UniqueTag("kb");
        var page = await Browser.NewSignedInPageAsync(path: "/tasks");

        await page.GetByRole(AriaRole.Button, new() { Name = "Schedule task" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog.GetByText("Schedule a task")).ToBeVisibleAsync();
        var function = dialog.GetByRole(AriaRole.Combobox, new() { Name = "Function" });
        await Expect(function).ToBeFocusedAsync();
        // Typed fast and confirmed at once, without waiting for the list to follow: Enter picks what was typed, not
        // the first entry of the list shown before (FunctionPickerTests reproduces that race deterministically).
        await page.Keyboard.TypeAsync("noop");
        await page.Keyboard.PressAsync("Enter");
        await Expect(function).ToHaveValueAsync("noop");
        await dialog.GetByRole(AriaRole.Textbox, new() { Name = "Tags", Exact = true }).FocusAsync();
        await page.Keyboard.TypeAsync(tag);
        await page.Keyboard.PressAsync("Enter");
        await dialog.GetByTestId("schedule-submit").FocusAsync();
        await page.Keyboard.PressAsync("Enter");

        var link = page.Locator(".mud-snackbar a");
        await Expect(link).ToBeVisibleAsync();
        var id = (await link.TextContentAsync())!.Trim();
        Assert.Equal(LocalDemoFunctions.Noop, (await Browser.GetTaskAsync(id)).FunctionName);

        // The status chips are reached with Tab from the filters toggle, and the focused one is outlined.
        await page.GetByTestId("filters-toggle").FocusAsync();
        await page.Keyboard.PressAsync("Tab");
        var focused = await page.EvaluateAsync<string[]>(
            "() => [document.activeElement.className, getComputedStyle(document.activeElement).outlineStyle]");
        Assert.Contains("mud-chip", focused[0]);
        Assert.Equal("solid", focused[1]);
        await BrowserFixture.ScreenshotAsync(page, "tasks-keyboard-chip-focus");

        // The column headers hold no options menus (each was a tab stop, named only "Column options", holding a
        // disabled "Unsort"): sorting is the header's own button.
        await Expect(page.GetByRole(AriaRole.Columnheader).GetByRole(AriaRole.Button, new() { Name = "Column options" })).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task OnASlowLink_KeysTypedRightAfterFocusingTheFunctionPicker_AreKept()
    {
        var page = await Browser.NewSignedInPageAsync(path: "/tasks");
        // Every message from the browser to the circuit now takes 400 ms, as over a distant or congested link.
        await DelayMessagesToTheServerAsync(page, TimeSpan.FromMilliseconds(400));
        await BrowserFixture.GotoAsync(page, "/tasks");

        await page.GetByRole(AriaRole.Button, new() { Name = "Schedule task" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        var function = dialog.GetByRole(AriaRole.Combobox, new() { Name = "Function" });
        await Expect(function).ToBeFocusedAsync();
        // Typed at a person's pace, the last key after the circuit has handled the dialog's first render: a dialog
        // that focused itself then took the focus away, and "p" went nowhere.
        await TypeAtAPersonsPaceAsync(page);
        await Expect(function).ToHaveValueAsync("noop");

        // Back to the field with the keyboard, then typed over: a picker that selected its text on focus selected
        // what was typed before the circuit heard of the focus, and the next key replaced it.
        await function.FillAsync("");
        await page.Keyboard.PressAsync("Tab");
        await Expect(function).Not.ToBeFocusedAsync();
        await page.WaitForTimeoutAsync(1_000);
        await page.Keyboard.PressAsync("Shift+Tab");
        await Expect(function).ToBeFocusedAsync();
        await TypeAtAPersonsPaceAsync(page);
        await Expect(function).ToHaveValueAsync("noop");
    }

    private static async Task TypeAtAPersonsPaceAsync(IPage page)
    {
        await page.Keyboard.TypeAsync("noo");
        await page.WaitForTimeoutAsync(1_000);
        await page.Keyboard.TypeAsync("p");
        await page.WaitForTimeoutAsync(1_000);
    }

    /// <summary>Holds each message the page sends on the console's WebSocket for <paramref name="delay"/>, in order.</summary>
    private static Task DelayMessagesToTheServerAsync(IPage page, TimeSpan delay) =>
        page.RouteWebSocketAsync(new Regex("/_blazor"), route =>
        {
            var server = route.ConnectToServer();
            var pending = Channel.CreateUnbounded<(DateTimeOffset Due, IWebSocketFrame Frame)>(new() { SingleReader = true });
            route.OnMessage(frame => pending.Writer.TryWrite((DateTimeOffset.UtcNow + delay, frame)));
            _ = Task.Run(async () =>
            {
                await foreach (var (due, frame) in pending.Reader.ReadAllAsync())
                {
                    var wait = due - DateTimeOffset.UtcNow;
                    if (wait > TimeSpan.Zero) await Task.Delay(wait);
                    if (frame.Binary is { } binary) server.Send(binary);
                    else server.Send(frame.Text ?? "");
                }
            });
        });

    [Fact]
    public async Task ARowCancelAsksFirst_TheCanceledRowCannotBeSelected_AndBackUndoesAFilter()
    {
        var tag = UniqueTag("kb");
        var task = await Browser.CreateTaskAsync(LocalDemoFunctions.Echo, startTimestamp: DateTimeOffset.UtcNow.AddHours(1), tags: [tag]);
        var page = await Browser.NewSignedInPageAsync(path: $"/tasks?all={tag}");
        var row = BrowserFixture.TaskRow(page, task.Id);
        await Expect(row).ToBeVisibleAsync();

        await row.GetByRole(AriaRole.Button, new() { Name = $"Actions for task {task.Id}" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        var cancel = page.GetByRole(AriaRole.Menuitem, new() { Name = "Cancel" });
        await Expect(cancel).ToBeVisibleAsync();
        await cancel.ClickAsync();
        var confirm = page.GetByRole(AriaRole.Dialog);
        await Expect(confirm).ToContainTextAsync("Cancel this task?");
        await BrowserFixture.ScreenshotAsync(page, "tasks-keyboard-cancel-confirmation");
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Cancel task" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");

        await Expect(row).ToContainTextAsync(new Regex(@"\bcanceled\b", RegexOptions.IgnoreCase));
        await Expect(row.GetByRole(AriaRole.Checkbox)).ToBeDisabledAsync();

        // A filter change is a history entry: Back undoes it and the page follows.
        var failed = page.GetByRole(AriaRole.Group, new() { Name = "Status" }).GetByText("failed", new() { Exact = true });
        await failed.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("status=failed"));
        await Expect(row).ToHaveCountAsync(0);
        await page.GoBackAsync();
        await Expect(page).Not.ToHaveURLAsync(new Regex("status=failed"));
        await Expect(row).ToBeVisibleAsync();
    }

    [Fact]
    public async Task KeyboardOnly_TheHeadersAreNamedSortButtons_NoHiddenOneTakesFocus_AndARowHasFewTabStops()
    {
        var tag = UniqueTag("kb");
        var task = await Browser.CreateTaskAsync(LocalDemoFunctions.Echo, startTimestamp: DateTimeOffset.UtcNow.AddHours(1), tags: [tag]);
        var page = await Browser.NewSignedInPageAsync(path: $"/tasks?all={tag}");
        var row = BrowserFixture.TaskRow(page, task.Id);
        await Expect(row).ToBeVisibleAsync();

        // Every tab stop in the header is a visible control with a name that says which column it sorts.
        var headerStops = await page.EvaluateAsync<string[]>(FocusableIn, "thead");
        var sortNames = headerStops.Where(stop => !stop.StartsWith("checkbox", StringComparison.Ordinal)).ToArray();
        Assert.Equal(["Sort by Id", "Sort by Function", "Sort by Status", "Sort by Priority", "Sort by Start", "Sort by Created"], sortNames);

        var status = page.GetByRole(AriaRole.Button, new() { Name = "Sort by Status" });
        await status.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new Regex("sort=-?status"));
        await Expect(page.Locator("th[aria-sort='ascending'], th[aria-sort='descending']").GetByRole(AriaRole.Button, new() { Name = "Sort by Status" }))
            .ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "tasks-keyboard-sorted-by-status");

        // A row is its selection box, its id link and its actions menu: the tag chips (filters, also in the filter bar)
        // are not stops of their own.
        var rowStops = await page.EvaluateAsync<string[]>(FocusableIn, $"tr:has(a[href='/tasks/{task.Id}'])");
        Assert.Equal(3, rowStops.Length);
    }

    [Fact]
    public async Task KeyboardOnly_TheRowMenusCancel_RespondsToEnter()
    {
        var tag = UniqueTag("kb");
        var task = await Browser.CreateTaskAsync(LocalDemoFunctions.Echo, startTimestamp: DateTimeOffset.UtcNow.AddHours(1), tags: [tag]);
        var page = await Browser.NewSignedInPageAsync(path: $"/tasks?all={tag}");
        var row = BrowserFixture.TaskRow(page, task.Id);
        await Expect(row).ToBeVisibleAsync();

        await row.GetByRole(AriaRole.Button, new() { Name = $"Actions for task {task.Id}" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        // The menu puts focus on its first item itself, a round trip after it opens: wait for that, then walk down
        // with the arrow keys as a keyboard user does. (Focusing "Cancel" at once lost that race now and then, and
        // Enter opened the task instead.)
        await Expect(page.GetByRole(AriaRole.Menuitem, new() { Name = "Open" })).ToBeFocusedAsync();
        var cancel = page.GetByRole(AriaRole.Menuitem, new() { Name = "Cancel" });
        await page.Keyboard.PressAsync("ArrowDown");
        await page.Keyboard.PressAsync("ArrowDown");
        await Expect(cancel).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");

        await Expect(page.GetByRole(AriaRole.Dialog)).ToContainTextAsync("Cancel this task?");
        await BrowserFixture.ScreenshotAsync(page, "tasks-keyboard-row-cancel-enter");
    }

    [Fact]
    public async Task KeyboardOnly_ATagChipIsRemovedWithItsButton_OrWithBackspace()
    {
        var page = await Browser.NewSignedInPageAsync(path: "/tasks");
        await page.GetByTestId("schedule-task").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        var dialog = page.GetByRole(AriaRole.Dialog);
        // The Function field takes the focus once the dialog is interactive; moving on before that would have it
        // taken away mid-typing.
        await Expect(dialog.GetByRole(AriaRole.Combobox, new() { Name = "Function" })).ToBeFocusedAsync();
        var tags = dialog.GetByRole(AriaRole.Textbox, new() { Name = "Tags", Exact = true });
        await tags.FocusAsync();
        var chips = dialog.GetByRole(AriaRole.List, new() { Name = "Tags" }).GetByRole(AriaRole.Listitem);
        var added = 0;
        foreach (var tag in new[] { "one", "two", "three" })
        {
            // Typed as fast as the browser takes keys, Enter straight after: the tag is what the field shows, not what
            // the server has heard of so far.
            await page.Keyboard.TypeAsync(tag);
            await page.Keyboard.PressAsync("Enter");
            await Expect(chips).ToHaveCountAsync(++added);
            // The input is cleared by a render of its own, after the chip's: typing before it lands would be erased.
            await Expect(tags).ToHaveValueAsync("");
        }

        // Tab from the input reaches the chips' remove buttons (after the input's own Add button).
        string? focused = null;
        for (var i = 0; i < 4 && focused != "Remove one"; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            focused = await page.EvaluateAsync<string?>("() => document.activeElement?.getAttribute('aria-label')");
        }
        Assert.Equal("Remove one", focused);
        await BrowserFixture.ScreenshotAsync(page, "schedule-task-keyboard-tag-remove");
        await page.Keyboard.PressAsync("Enter");
        await Expect(chips).ToHaveCountAsync(2);
        await Expect(chips.First).ToContainTextAsync("two");

        // Backspace in the empty input removes the last chip.
        await tags.FocusAsync();
        await page.Keyboard.PressAsync("Backspace");
        await Expect(chips).ToHaveCountAsync(1);
        await Expect(chips.First).ToContainTextAsync("two");
    }

    [Fact]
    public async Task KeyboardOnly_CloneOnTheTaskPage_OpensThePrefilledDialog()
    {
        var task = await Browser.CreateTaskAsync(LocalDemoFunctions.Sleep, new { ms = 1 }, tags: [UniqueTag("kb")]);
        var page = await Browser.NewSignedInPageAsync(path: $"/tasks/{task.Id}");

        await page.GetByRole(AriaRole.Button, new() { Name = "Clone" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");

        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog).ToContainTextAsync("Schedule a copy of a task");
        await Expect(dialog).ToContainTextAsync(task.Id);
        await Expect(dialog.GetByRole(AriaRole.Combobox, new() { Name = "Function" })).ToHaveValueAsync(LocalDemoFunctions.Sleep);
        await BrowserFixture.ScreenshotAsync(page, "task-detail-keyboard-clone");
    }

    [Fact]
    public async Task OnAPhone_TheFiltersStartFolded_AndTheTaskIdHeadingIsNotBroken()
    {
        var task = await Browser.CreateTaskAsync(LocalDemoFunctions.Echo, tags: [UniqueTag("kb")]);
        var page = await Browser.NewSignedInPageAsync(path: "/tasks");
        await page.SetViewportSizeAsync(390, 844);
        await BrowserFixture.GotoAsync(page, "/tasks");

        // A task is a compact card: no Priority line, and no Error line for a task without one.
        var card = BrowserFixture.TaskRow(page, task.Id);
        await Expect(card).ToBeVisibleAsync();
        await Expect(card.Locator("td[data-label='Priority']")).ToBeHiddenAsync();
        await Expect(card.Locator("td[data-label='Error']")).ToBeHiddenAsync();
        await Expect(card.Locator("td[data-label='Function']")).ToBeVisibleAsync();

        var toggle = page.GetByTestId("filters-toggle");
        await Expect(toggle).ToHaveAttributeAsync("aria-expanded", "false");
        await Expect(page.Locator("#task-filter-fields")).ToBeHiddenAsync();
        await BrowserFixture.ScreenshotAsync(page, "tasks-phone");
        await toggle.ClickAsync();
        await Expect(page.Locator("#task-filter-fields")).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "tasks-phone-filters-open");

        await BrowserFixture.GotoAsync(page, $"/tasks/{task.Id}");
        var id = page.Locator("h1 .task-id");
        await Expect(id).ToHaveTextAsync(task.Id);
        // One line box: the id is not broken in the middle.
        Assert.Equal(1, await id.EvaluateAsync<int>("e => e.getClientRects().length"));
        var box = await id.BoundingBoxAsync();
        Assert.True(box is { } b && b.X + b.Width <= 390, $"The task id overflows the screen: {box?.X} + {box?.Width}");
        await BrowserFixture.ScreenshotAsync(page, "task-detail-phone");
    }

    [Fact]
    public async Task OnAPhone_TheRetryChainIsOneColumn_NotAStaircase()
    {
        var first = await Browser.CreateTaskAsync(LocalDemoFunctions.Flaky, new { failTimes = 2 });
        var page = await Browser.NewSignedInPageAsync(path: $"/tasks/{first.Id}");
        await page.SetViewportSizeAsync(390, 844);

        var nodes = page.GetByRole(AriaRole.Navigation, new() { Name = "Retry chain" }).Locator(".retry-chain__node");
        await Expect(nodes).ToHaveCountAsync(3, new() { Timeout = 60_000 });

        // Every attempt starts at the same left edge, one under the other, inside the screen.
        // Measured until the layout settles: the attempts arrive live, and the first is measured while the others
        // are still being laid out (a frame or two apart).
        var boxes = new List<LocatorBoundingBoxResult>();
        for (var attempt = 0; attempt < 20; attempt++)
        {
            boxes.Clear();
            for (var i = 0; i < 3; i++) boxes.Add((await nodes.Nth(i).BoundingBoxAsync())!);
            if (boxes.All(b => Math.Abs(b.X - boxes[0].X) <= 1.0)) break;
            await page.WaitForTimeoutAsync(250);
        }
        Assert.All(boxes, b => Assert.Equal(boxes[0].X, b.X, 1.0));
        Assert.True(boxes[0].Y < boxes[1].Y && boxes[1].Y < boxes[2].Y);
        Assert.All(boxes, b => Assert.True(b.X + b.Width <= 390, $"An attempt overflows the screen: {b.X} + {b.Width}"));
        await BrowserFixture.ScreenshotAsync(page, "task-detail-phone-retry-chain");
    }

    /// <summary>What Tab stops at inside the first element matching the selector: each stop's role and name.</summary>
    private const string FocusableIn = """
        selector => [...document.querySelector(selector).querySelectorAll('a[href], button, input, select, textarea, [tabindex]')]
            .filter(e => !e.disabled && e.tabIndex >= 0 && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden')
            .map(e => e.type === 'checkbox' ? 'checkbox' : (e.getAttribute('aria-label') || e.textContent.trim()))
        """;
}
