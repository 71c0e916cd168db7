using Bunit;
using Microsoft.AspNetCore.Components;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Common;
using TasksConsole.Core.Functions;
using TasksConsole.Core.Tasks;
using TasksConsole.Tests.Infrastructure;
using TasksConsole.Web.Functions;

namespace TasksConsole.Tests.Functions;

public sealed class FunctionsPageTests : StoreConsoleTestContext
{
    [Fact(Timeout = 30_000)]
    public async Task AViewer_SeesTheFunctions_ButNoEnableSwitchOrRegisterButton()
    {
        await UseStoreAsync(Role.Viewer);
        await RegisterAsync(Get<FunctionService>(), "resize", f => f with { TimeLimitSeconds = 120, ConcurrencyLimit = 4 });
        RenderProviders();

        var page = Render<FunctionsPage>();

        page.WaitForAssertion(() => Assert.Contains("resize", page.Find("table").TextContent));
        Assert.Equal("/functions/resize", page.Find("a[href='/functions/resize']").GetAttribute("href"));
        Assert.Contains("2 min", page.Find("table").TextContent);
        Assert.Empty(page.FindAll("input.mud-switch-input"));
        Assert.Contains("Enabled", page.Find("tbody").TextContent);
        Assert.False(HasButton(page, "Register function"));
    }

    [Fact(Timeout = 30_000)]
    public async Task AnAdmin_SeesTheEnableSwitch_AndTheRegisterButton()
    {
        await UseStoreAsync(Role.Admin);
        await RegisterAsync(Get<FunctionService>(), "resize");
        RenderProviders();

        var page = Render<FunctionsPage>();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("input.mud-switch-input")));
        Assert.Contains("resize enabled", page.Find(".mud-switch .mud-sr-only, .mud-sr-only").TextContent);
        Assert.True(HasButton(page, "Register function"));
    }

    [Fact(Timeout = 30_000)]
    public async Task TurningTheSwitchOff_DisablesTheFunctionInTheRegistry()
    {
        await UseStoreAsync(Role.Admin);
        var functions = Get<FunctionService>();
        await RegisterAsync(functions, "resize");
        RenderProviders();
        var page = Render<FunctionsPage>();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("input.mud-switch-input")));

        await page.Find("input.mud-switch-input").ChangeAsync(new ChangeEventArgs { Value = false });

        Assert.False((await functions.GetAsync("resize")).Enabled);
    }

    [Fact(Timeout = 30_000)]
    public async Task EachRow_ShowsTheLast24HoursOutcomesAndDurationPercentiles()
    {
        await UseStoreAsync(Role.Viewer);
        await RegisterAsync(Get<FunctionService>(), "resize");
        await using (var db = Database.CreateContext())
        {
            db.Tasks.AddRange(
                Finished("resize", TaskState.Complete, 1_000),
                Finished("resize", TaskState.Complete, 2_000),
                Finished("resize", TaskState.Failed, 3_000),
                Finished("resize", TaskState.Retried, 4_000));
            await db.SaveChangesAsync();
        }
        RenderProviders();

        var page = Render<FunctionsPage>();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("tbody tr")));
        var cells = page.FindAll("tbody tr td").Select(td => td.TextContent.Trim()).ToList();
        Assert.Equal("2", cells[6]);
        Assert.StartsWith("1", cells[7]);
        Assert.Contains("1 retried", cells[7]);
        Assert.Equal("2 s", cells[8]);
        Assert.Equal("4 s", cells[9]);
    }

    [Fact(Timeout = 30_000)]
    public async Task RegisteringAFunction_ShowsServiceErrorsInline_ThenCreatesIt()
    {
        await UseStoreAsync(Role.Admin);
        var dialogs = RenderProviders();
        var page = Render<FunctionsPage>();
        page.WaitForAssertion(() => Assert.True(HasButton(page, "Register function")));

        var registering = Button(page, "Register function").ClickAsync(new());
        dialogs.WaitForAssertion(() => Assert.True(HasField(dialogs, "Name")));
        await FieldInput(dialogs, "Name").ChangeAsync(new() { Value = "bad name!" });
        await Button(dialogs, "Register").ClickAsync(new());

        dialogs.WaitForAssertion(() => Assert.Contains("Use 1 to 128 letters, digits, '-' or '_'.", FieldControl(dialogs, "Name").TextContent));

        await FieldInput(dialogs, "Name").ChangeAsync(new() { Value = "thumbnail" });
        await Button(dialogs, "Register").ClickAsync(new());
        await registering;

        Assert.NotNull(await Get<FunctionService>().FindAsync("thumbnail"));
        Assert.EndsWith("/functions/thumbnail", Get<NavigationManager>().Uri);
    }

    [Fact(Timeout = 30_000)]
    public async Task Registering_ShowsEveryFieldError_AtOnce_InTheFormsWords_AndRegistersNothing()
    {
        await UseStoreAsync(Role.Admin);
        var dialogs = RenderProviders();
        var page = Render<FunctionsPage>();
        page.WaitForAssertion(() => Assert.True(HasButton(page, "Register function")));
        _ = Button(page, "Register function").ClickAsync(new());
        dialogs.WaitForAssertion(() => Assert.True(HasField(dialogs, "Name")));

        await FieldInput(dialogs, "Name").ChangeAsync(new() { Value = "resize" });
        await FieldInput(dialogs, "Time limit (seconds)").ChangeAsync(new() { Value = "1" });
        await FieldInput(dialogs, "Memory (MB)").ChangeAsync(new() { Value = "64" });
        await dialogs.Find("input[type=checkbox]").ChangeAsync(new() { Value = true });
        dialogs.WaitForAssertion(() => Assert.True(HasField(dialogs, "Retry 2 after (s)")));
        await FieldInput(dialogs, "Retry 2 after (s)").ChangeAsync(new() { Value = "-5" });
        await Button(dialogs, "Register").ClickAsync(new());

        dialogs.WaitForAssertion(() => Assert.Contains("Give 3 to 900 seconds.", FieldControl(dialogs, "Time limit (seconds)").TextContent));
        Assert.Contains("Give 128 to 10240 MB.", FieldControl(dialogs, "Memory (MB)").TextContent);
        Assert.Contains("Give 0 to 86400 seconds.", FieldControl(dialogs, "Retry 2 after (s)").TextContent);
        Assert.DoesNotContain("Give", FieldControl(dialogs, "Retry 1 after (s)").TextContent);
        Assert.DoesNotContain("Field '", dialogs.Markup);
        Assert.Null(await Get<FunctionService>().FindAsync("resize"));

        // Editing a field clears its own error only.
        await FieldInput(dialogs, "Time limit (seconds)").ChangeAsync(new() { Value = "30" });
        Assert.DoesNotContain("Give 3 to 900", FieldControl(dialogs, "Time limit (seconds)").TextContent);
        Assert.Contains("Give 128 to 10240 MB.", FieldControl(dialogs, "Memory (MB)").TextContent);
    }

    private TaskRecord Finished(string function, TaskState status, int tookMs)
    {
        var end = Now.AddMinutes(-10);
        return new TaskRecord
        {
            Id = ObjectId.NewId(Clock),
            FunctionName = function,
            Status = status,
            CreationTimestamp = end.AddMinutes(-1),
            UpdateTimestamp = end,
            StartTimestamp = end.AddMinutes(-1),
            StatusChangedTimestamp = end,
            ExecutionStartTimestamp = end.AddMilliseconds(-tookMs),
            ExecutionEndTimestamp = end,
        };
    }
}
