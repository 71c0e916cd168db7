using Microsoft.Playwright;
using TasksConsole.Core.Execution.LocalRuntime;
using TasksConsole.Web.Components.Layout;
using static Microsoft.Playwright.Assertions;

namespace TasksConsole.Tests.E2E;

/// <summary>axe-core on every console page in both themes: no serious or critical violations.</summary>
[Collection(E2ECollection.Name)]
public sealed class ThemedAccessibilityTests(BrowserFixture browser) : BrowserTest(browser)
{
    public static TheoryData<string, string> Pages()
    {
        var data = new TheoryData<string, string>();
        string[] paths =
        [
            "/", "/tasks", "/tasks/{task}", "/functions", "/functions/echo", "/schedules", "/events",
            "/admin/users", "/admin/tokens", "/forbidden", "/no-such-page", "/login",
        ];
        foreach (var path in paths)
        {
            data.Add(path, ThemePreference.Light);
            data.Add(path, ThemePreference.Dark);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task EachPage_InEachTheme_HasNoSeriousAccessibilityViolations(string path, string theme)
    {
        if (path.Contains("{task}", StringComparison.Ordinal))
        {
            var task = await Browser.CreateTaskAsync(LocalDemoFunctions.Echo, new { a11y = theme });
            path = path.Replace("{task}", task.Id, StringComparison.Ordinal);
        }

        var page = path == "/login" ? await Browser.NewPageAsync() : await Browser.NewSignedInPageAsync();
        await page.Context.AddCookiesAsync(
        [
            new Cookie { Name = ThemePreference.CookieName, Value = theme, Url = Browser.BaseAddress.ToString() },
        ]);
        await page.GotoAsync(path.TrimStart('/'));
        if (path != "/login") await BrowserFixture.WaitInteractiveAsync(page);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();

        var name = "a11y-" + (path == "/" ? "dashboard" : path.Trim('/').Replace('/', '-')) + "-" + theme;
        await BrowserFixture.ScreenshotAsync(page, path.StartsWith("/tasks/", StringComparison.Ordinal) ? "a11y-task-detail-" + theme : name);
        await BrowserFixture.AssertNoSeriousAxeViolationsAsync(page);
    }
}
