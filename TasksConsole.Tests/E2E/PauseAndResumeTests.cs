using System.Net.Http.Json;
using System.Text.Json;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Execution.LocalRuntime;
using TasksConsole.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace TasksConsole.Tests.E2E;

/// <summary>
/// Pausing and resuming dispatch from the console: with the mouse on the dashboard, with the keyboard on a function's
/// page, on a phone, under axe, and as a viewer who may only look.
/// </summary>
/// <remarks>
/// The server is shared with every other browser test, and a service-wide pause stops their tasks too: each test that
/// pauses resumes in a <c>finally</c> through the API, whatever the console did. Function-scoped pauses use a function
/// the test registers itself, so no other test's function is ever held.
/// </remarks>
[Collection(E2ECollection.Name)]
public sealed class PauseAndResumeTests(BrowserFixture browser) : BrowserTest(browser)
{
    /// <summary>
    /// Longer than the dispatcher's fallback poll and the pause snapshot's age together: by then a task that was going
    /// to start has started (the API tests wait 3 s; a shared, loaded box gets some more).
    /// </summary>
    private static readonly TimeSpan SeveralDispatchRounds = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan TaskRunTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task WithTheMouse_AnOperatorPausesDispatchFor15Minutes_ATaskWaitsNew_AndResumeLetsItRun()
    {
        var operatorUser = await Browser.CreateUserAsync(Role.Operator);
        var reason = "Database failover drill " + Guid.NewGuid().ToString("N")[..6];
        var page = await Browser.NewSignedInPageAsync(operatorUser);
        var banner = page.GetByTestId("dispatch-pause");

        try
        {
            await banner.GetByRole(AriaRole.Button, new() { Name = "Pause dispatch…" }).ClickAsync();
            var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Pause dispatch" });
            await Expect(dialog).ToBeVisibleAsync();
            await dialog.GetByRole(AriaRole.Textbox, new() { Name = "Reason" }).ClickAsync();
            await page.Keyboard.TypeAsync(reason);
            var resumeChoice = dialog.GetByRole(AriaRole.Combobox, new() { Name = "Resume", Exact = true });
            await resumeChoice.ClickAsync();
            await page.GetByRole(AriaRole.Option, new() { Name = "Automatically after 15 minutes" }).ClickAsync();
            await Expect(resumeChoice).ToHaveTextAsync("Automatically after 15 minutes");
            var pausedAt = DateTimeOffset.UtcNow;
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Pause", Exact = true }).ClickAsync();
            await Expect(dialog).ToHaveCountAsync(0);

            // Who, why and until when, as everyone sees it.
            var alert = banner.GetByRole(AriaRole.Status);
            await Expect(alert).ToContainTextAsync("Dispatch is paused");
            await Expect(alert).ToContainTextAsync($"by {operatorUser.Email}");
            await Expect(banner.GetByTestId("pause-reason-text")).ToHaveTextAsync(reason);
            await Expect(alert).ToContainTextAsync("Resumes by itself at");
            await Expect(banner.GetByRole(AriaRole.Button, new() { Name = "Pause dispatch…" })).ToHaveCountAsync(0);
            var pause = Assert.Single(await ListPausesAsync(), p => p.FunctionName is null);
            Assert.Equal((reason, operatorUser.Email), (pause.Reason, pause.PausedBy));
            Assert.NotNull(pause.ResumeTimestamp);
            Assert.InRange(pause.ResumeTimestamp.Value, pausedAt.AddMinutes(14), pausedAt.AddMinutes(16));
            await BrowserFixture.ScreenshotAsync(page, "dashboard-dispatch-paused");

            // A due task stays new while dispatch is paused.
            var task = await Browser.CreateTaskAsync(LocalDemoFunctions.Noop, tags: [UniqueTag("pause")]);
            await Task.Delay(SeveralDispatchRounds);
            Assert.Equal("new", (await Browser.GetTaskAsync(task.Id)).Status);

            await banner.GetByRole(AriaRole.Button, new() { Name = "Resume", Exact = true }).ClickAsync();
            await Expect(alert).ToHaveCountAsync(0);
            await Expect(banner.GetByRole(AriaRole.Button, new() { Name = "Pause dispatch…" })).ToBeVisibleAsync();
            Assert.DoesNotContain(await ListPausesAsync(), p => p.FunctionName is null);
            await Poll.UntilAsync(async () => (await Browser.GetTaskAsync(task.Id)).Status == "complete", TaskRunTimeout,
                $"task {task.Id} to complete once dispatch resumed");
        }
        finally
        {
            await ResumeServiceAsync();
        }
    }

    [Fact]
    public async Task KeyboardOnly_AnOperatorPausesAFunctionOnItsPage_AndResumesIt_WithTheFocusInSight()
    {
        var operatorUser = await Browser.CreateUserAsync(Role.Operator);
        var function = await RegisterFunctionAsync();
        try
        {
            var page = await Browser.NewSignedInPageAsync(operatorUser, $"/functions/{function}");
            var banner = page.GetByTestId("function-pause");
            var pauseButton = banner.GetByRole(AriaRole.Button, new() { Name = "Pause…" });
            await Expect(pauseButton).ToBeVisibleAsync();

            await TabToAsync(page, pauseButton);
            await AssertFocusIsVisibleAsync(page, pauseButton);
            await page.Keyboard.PressAsync("Enter");

            var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = $"Pause {function}" });
            await Expect(dialog).ToBeVisibleAsync();
            // The reason is where the dialog puts the focus: typing right away fills it.
            var reasonField = dialog.GetByRole(AriaRole.Textbox, new() { Name = "Reason" });
            await Expect(reasonField).ToBeFocusedAsync();
            await page.Keyboard.TypeAsync("Partner API rate-limits us", new() { Delay = 20 });
            await Expect(reasonField).ToHaveValueAsync("Partner API rate-limits us");
            var submit = dialog.GetByRole(AriaRole.Button, new() { Name = "Pause", Exact = true });
            await TabToAsync(page, submit);
            await AssertFocusIsVisibleAsync(page, submit);
            await BrowserFixture.ScreenshotAsync(page, "function-pause-dialog-keyboard");
            await page.Keyboard.PressAsync("Enter");
            await Expect(dialog).ToHaveCountAsync(0);

            var alert = banner.GetByRole(AriaRole.Status);
            await Expect(alert).ToContainTextAsync($"{function} is paused");
            await Expect(alert).ToContainTextAsync("Partner API rate-limits us");
            await Expect(alert).ToContainTextAsync("Until someone resumes it.");
            var pause = Assert.Single(await ListPausesAsync(), p => p.FunctionName == function);
            Assert.Null(pause.ResumeTimestamp);
            // Only the function is paused, not the service.
            Assert.DoesNotContain(await ListPausesAsync(), p => p.FunctionName is null);

            var resume = banner.GetByRole(AriaRole.Button, new() { Name = "Resume", Exact = true });
            await TabToAsync(page, resume);
            await AssertFocusIsVisibleAsync(page, resume);
            await BrowserFixture.ScreenshotAsync(page, "function-paused-keyboard-resume-focus");
            await page.Keyboard.PressAsync("Enter");

            await Expect(alert).ToHaveCountAsync(0);
            await Expect(pauseButton).ToBeVisibleAsync();
            Assert.DoesNotContain(await ListPausesAsync(), p => p.FunctionName == function);
        }
        finally
        {
            await ResumeFunctionAsync(function);
            await DeleteFunctionAsync(function);
        }
    }

    [Fact]
    public async Task OnAPhone_ThePausedDashboardBanner_AndItsResumeButton_FitTheScreen()
    {
        var operatorUser = await Browser.CreateUserAsync(Role.Operator);
        // Underscores give the browser no place to break a name: a long one is as wide as it gets.
        var function = await RegisterFunctionAsync("e2e_pause_" + Guid.NewGuid().ToString("N") + "_nightly_invoice_reconciliation");
        try
        {
            // A long reason with a long unbroken word (a URL, a host name) is what overflows a narrow screen.
            await PauseServiceAsync("Database maintenance on db-primary-eu-west-1.internal.example.com until the replicas catch up",
                DateTimeOffset.UtcNow.AddHours(1));
            await PauseFunctionAsync(function, "Partner API down");
            var page = await Browser.NewSignedInPageAsync(operatorUser);
            await page.SetViewportSizeAsync(390, 844);
            await BrowserFixture.GotoAsync(page, "/");

            var banner = page.GetByTestId("dispatch-pause");
            var alert = banner.GetByRole(AriaRole.Status);
            await Expect(alert).ToContainTextAsync("Dispatch is paused");
            await Expect(banner.GetByTestId("paused-functions")).ToContainTextAsync(function);
            var resume = banner.GetByRole(AriaRole.Button, new() { Name = "Resume", Exact = true });
            await Expect(resume).ToBeVisibleAsync();
            await Expect(resume).ToBeInViewportAsync(new() { Ratio = 1 });
            await BrowserFixture.ScreenshotAsync(page, "dashboard-dispatch-paused-phone");

            Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"),
                "the paused dashboard scrolls sideways at 390 px");
            foreach (var (what, locator) in new[] { ("the pause alert", alert), ("Resume", resume), ("the paused functions", banner.GetByTestId("paused-functions")) })
            {
                var box = await locator.BoundingBoxAsync();
                Assert.True(box is not null && box.X >= 0 && box.X + box.Width <= 390, $"{what} overflows the screen: {box?.X} + {box?.Width}");
            }
            // Not cut off by an ancestor that clips: the button itself is what a tap at its corners and centre hits.
            Assert.True(await resume.EvaluateAsync<bool>(HitsItselfEverywhere), "part of Resume is covered or clipped");

            // The alert's text wraps inside it rather than running under the button or out of the alert.
            var reasonBox = await banner.GetByTestId("pause-reason-text").BoundingBoxAsync();
            var alertBox = await alert.BoundingBoxAsync();
            Assert.True(reasonBox is not null && alertBox is not null && reasonBox.X + reasonBox.Width <= alertBox.X + alertBox.Width,
                $"the reason runs out of the alert: {reasonBox?.X} + {reasonBox?.Width} > {alertBox?.X} + {alertBox?.Width}");
        }
        finally
        {
            await ResumeServiceAsync();
            await ResumeFunctionAsync(function);
            await DeleteFunctionAsync(function);
        }
    }

    [Fact]
    public async Task Axe_FindsNoViolations_InThePauseDialog_OrOnThePausedDashboard()
    {
        var operatorUser = await Browser.CreateUserAsync(Role.Operator);
        var page = await Browser.NewSignedInPageAsync(operatorUser);
        var banner = page.GetByTestId("dispatch-pause");
        try
        {
            await banner.GetByRole(AriaRole.Button, new() { Name = "Pause dispatch…" }).ClickAsync();
            var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Pause dispatch" });
            await Expect(dialog.GetByRole(AriaRole.Textbox, new() { Name = "Reason" })).ToBeFocusedAsync();
            await BrowserFixture.AssertNoSeriousAxeViolationsAsync(page);
            await AssertNoAxeViolationsInAsync(dialog, "the pause dialog");

            // Confirming without a reason shows the field's error, which must be as accessible as the rest.
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Pause", Exact = true }).ClickAsync();
            await Expect(dialog).ToContainTextAsync("Say why");
            await AssertNoAxeViolationsInAsync(dialog, "the pause dialog showing an error");
            await BrowserFixture.ScreenshotAsync(page, "pause-dialog-error");

            await dialog.GetByRole(AriaRole.Textbox, new() { Name = "Reason" }).FillAsync("Release freeze");
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Pause", Exact = true }).ClickAsync();
            await Expect(dialog).ToHaveCountAsync(0);
            await Expect(banner.GetByRole(AriaRole.Status)).ToContainTextAsync("Release freeze");
            // The snackbar fades out; scan the dashboard as it stays.
            await Expect(page.Locator(".mud-snackbar")).ToHaveCountAsync(0, new() { Timeout = 30_000 });

            await BrowserFixture.AssertNoSeriousAxeViolationsAsync(page);
            await AssertNoAxeViolationsInAsync(banner, "the paused dashboard's banner");
        }
        finally
        {
            await ResumeServiceAsync();
        }
    }

    [Fact]
    public async Task AViewer_SeesThePauses_ButNoButtonToPauseOrResume()
    {
        var viewer = await Browser.CreateUserAsync(Role.Viewer);
        var function = await RegisterFunctionAsync();
        try
        {
            await PauseFunctionAsync(function, "Waiting on the vendor");
            var page = await Browser.NewSignedInPageAsync(viewer, $"/functions/{function}");
            var functionBanner = page.GetByTestId("function-pause");
            await Expect(functionBanner.GetByRole(AriaRole.Status)).ToContainTextAsync($"{function} is paused");
            await Expect(functionBanner.GetByRole(AriaRole.Status)).ToContainTextAsync("Waiting on the vendor");
            await Expect(functionBanner.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);

            await PauseServiceAsync("Quarterly maintenance", null);
            await BrowserFixture.GotoAsync(page, "/");
            var banner = page.GetByTestId("dispatch-pause");
            await Expect(banner.GetByRole(AriaRole.Status)).ToContainTextAsync("Dispatch is paused");
            await Expect(banner.GetByTestId("pause-reason-text")).ToHaveTextAsync("Quarterly maintenance");
            await Expect(banner.GetByTestId("paused-functions")).ToContainTextAsync(function);
            await Expect(banner.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Resume", Exact = true })).ToHaveCountAsync(0);
            await BrowserFixture.ScreenshotAsync(page, "dashboard-dispatch-paused-viewer");

            // Resumed, there is nothing to show a viewer, and still nothing to press.
            await ResumeServiceAsync();
            await BrowserFixture.GotoAsync(page, "/");
            await Expect(banner.GetByRole(AriaRole.Status)).ToHaveCountAsync(0);
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Pause dispatch…" })).ToHaveCountAsync(0);
        }
        finally
        {
            await ResumeServiceAsync();
            await ResumeFunctionAsync(function);
            await DeleteFunctionAsync(function);
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------------------------

    /// <summary>True when the element is what the page hit-tests at its centre and just inside each corner.</summary>
    private const string HitsItselfEverywhere = """
        element => {
            const r = element.getBoundingClientRect();
            const points = [[r.left + r.width / 2, r.top + r.height / 2], [r.left + 2, r.top + 2], [r.right - 2, r.top + 2],
                            [r.left + 2, r.bottom - 2], [r.right - 2, r.bottom - 2]];
            return points.every(([x, y]) => element.contains(document.elementFromPoint(x, y)));
        }
        """;

    private sealed record Pause(string? FunctionName, string Reason, string? PausedBy, DateTimeOffset? ResumeTimestamp);

    private sealed record PauseList(IReadOnlyList<Pause> Data);

    private async Task<IReadOnlyList<Pause>> ListPausesAsync()
    {
        using var admin = await Browser.CreateAdminClientAsync();
        return (await admin.GetFromJsonAsync<PauseList>("tasks/v1/pauses", new JsonSerializerOptions(JsonSerializerDefaults.Web)))!.Data;
    }

    private async Task PauseServiceAsync(string reason, DateTimeOffset? resumeTimestamp)
    {
        using var admin = await Browser.CreateAdminClientAsync();
        using var response = await admin.PostAsJsonAsync("tasks/v1/pause", new { reason, resumeTimestamp });
        response.EnsureSuccessStatusCode();
    }

    private async Task ResumeServiceAsync()
    {
        using var admin = await Browser.CreateAdminClientAsync();
        using var response = await admin.PostAsync("tasks/v1/resume", null);
        response.EnsureSuccessStatusCode();
    }

    private async Task PauseFunctionAsync(string function, string reason)
    {
        using var admin = await Browser.CreateAdminClientAsync();
        using var response = await admin.PostAsJsonAsync($"tasks/v1/functions/{function}/pause", new { reason });
        response.EnsureSuccessStatusCode();
    }

    private async Task ResumeFunctionAsync(string function)
    {
        using var admin = await Browser.CreateAdminClientAsync();
        using var response = await admin.PostAsync($"tasks/v1/functions/{function}/resume", null);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>
    /// A function of this test's own, never invoked: pausing it holds no other test's tasks. Its Lambda does not
    /// exist, which does not matter, as no task of it is created.
    /// </summary>
    private async Task<string> RegisterFunctionAsync(string? name = null)
    {
        name ??= "e2e-pause-" + Guid.NewGuid().ToString("N")[..8];
        using var admin = await Browser.CreateAdminClientAsync();
        using var response = await admin.PostAsJsonAsync("tasks/v1/functions/", new { name, lambdaFunctionName = name, timeLimit = 5 });
        Assert.True(response.IsSuccessStatusCode, $"Registering {name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return name;
    }

    private async Task DeleteFunctionAsync(string function)
    {
        using var admin = await Browser.CreateAdminClientAsync();
        using var response = await admin.DeleteAsync($"tasks/v1/functions/{function}");
        response.EnsureSuccessStatusCode();
    }

    /// <summary>
    /// Fails on any axe violation inside <paramref name="scope"/>, whatever its impact: the pause banner and dialog
    /// are small and new, so they are held to more than the page-wide serious-or-critical bar.
    /// </summary>
    private static async Task AssertNoAxeViolationsInAsync(ILocator scope, string what)
    {
        await scope.Page.Mouse.MoveAsync(0, 0);
        var result = await scope.RunAxe();
        var found = result.Violations
            .Select(v => $"- {v.Id} ({v.Impact}): {v.Help}\n" + string.Join("\n", v.Nodes.Select(n => $"    at {n.Target}: {n.Html}")))
            .ToList();
        Assert.True(found.Count == 0, $"axe found violations in {what}:\n{string.Join("\n", found)}");
    }

    /// <summary>
    /// Fails unless focusing <paramref name="target"/> from the keyboard changes how it looks: the element as it is
    /// focused is compared with a picture of it taken after Shift+Tab moved the focus away, then Tab brings it back.
    /// </summary>
    private static async Task AssertFocusIsVisibleAsync(IPage page, ILocator target)
    {
        await page.Mouse.MoveAsync(0, 0);
        await Expect(target).ToBeFocusedAsync();
        // A focus ring is often drawn outside the element (an outline with an offset): take in a margin around it.
        var box = await target.BoundingBoxAsync() ?? throw new InvalidOperationException($"{target} is not rendered.");
        var around = new Clip { X = box.X - 6, Y = box.Y - 6, Width = box.Width + 12, Height = box.Height + 12 };
        var focused = await page.ScreenshotAsync(new() { Clip = around, Animations = ScreenshotAnimations.Disabled });
        await page.Keyboard.PressAsync("Shift+Tab");
        await Expect(target).Not.ToBeFocusedAsync();
        var unfocused = await page.ScreenshotAsync(new() { Clip = around, Animations = ScreenshotAnimations.Disabled });
        await page.Keyboard.PressAsync("Tab");
        await Expect(target).ToBeFocusedAsync();
        Assert.False(focused.AsSpan().SequenceEqual(unfocused), $"{target} looks the same focused as not: the focus is not visible");
    }

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
