using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using MudBlazor;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Rql;
using TasksConsole.Core.Schedules;
using TasksConsole.Core.Tasks;
using TasksConsole.Tests.Infrastructure;
using TasksConsole.Web.Schedules;

namespace TasksConsole.Tests.Schedules;

public sealed class SchedulesPageTests : StoreConsoleTestContext
{
    [Fact(Timeout = 30_000)]
    public async Task TheCreateDialog_ShowsOnlyTheChosenKindsFields_AndSendsOnlyThatKind()
    {
        await UseStoreAsync(Role.Admin);
        var dialogs = await OpenCreateDialogAsync("report");

        Assert.True(HasField(dialogs, "Interval (seconds)"));
        Assert.False(HasField(dialogs, "Cron expression"));
        Assert.False(HasField(dialogs, "Time zone"));
        Assert.Equal(CreateScheduleDialog.PreviewCount, dialogs.FindAll("ol.firing-list li").Count);

        await ChooseCronAsync(dialogs);
        Assert.False(HasField(dialogs, "Interval (seconds)"));
        Assert.True(HasField(dialogs, "Time zone"));
        await FieldInput(dialogs, "Cron expression").InputAsync(new ChangeEventArgs { Value = "*/15 * * * *" });
        await Button(dialogs, "Create").ClickAsync(new());

        var schedule = Assert.Single((await Get<ScheduleService>().FindAsync(RqlParser.Parse(""))).Schedules);
        Assert.Equal("report", schedule.FunctionName);
        Assert.Null(schedule.IntervalSeconds);
        Assert.Equal("*/15 * * * *", schedule.CronExpression);
        Assert.Equal(Now, schedule.NextTimestamp);
    }

    [Fact(Timeout = 30_000)]
    public async Task AnInvalidCron_ShowsTheErrorAtTheCronField_WithNoPreview_AndCannotBeCreated()
    {
        await UseStoreAsync(Role.Admin);
        var dialogs = await OpenCreateDialogAsync("report");
        await ChooseCronAsync(dialogs);

        await FieldInput(dialogs, "Cron expression").InputAsync(new ChangeEventArgs { Value = "61 * * * *" });

        Assert.Contains("Field 'cron' must be a cron expression", FieldControl(dialogs, "Cron expression").TextContent);
        Assert.Empty(dialogs.FindAll("ol.firing-list li"));
        Assert.True(Button(dialogs, "Create").HasAttribute("disabled"));

        await FieldInput(dialogs, "Cron expression").InputAsync(new ChangeEventArgs { Value = "0 9 * * 1-5" });
        Assert.DoesNotContain("must be a cron expression", FieldControl(dialogs, "Cron expression").TextContent);
        Assert.False(Button(dialogs, "Create").HasAttribute("disabled"));
    }

    [Fact(Timeout = 30_000)]
    public async Task CreatingWithoutACronExpression_SaysSoAtTheCronField_AndCreatesNothing()
    {
        await UseStoreAsync(Role.Admin);
        var dialogs = await OpenCreateDialogAsync("report");
        await ChooseCronAsync(dialogs);

        await Button(dialogs, "Create").ClickAsync(new());

        Assert.Contains("A cron expression is required.", FieldControl(dialogs, "Cron expression").TextContent);
        Assert.Empty((await Get<ScheduleService>().FindAsync(RqlParser.Parse(""))).Schedules);
    }

    [Fact(Timeout = 30_000)]
    public async Task AValidCronInATimeZone_PreviewsItsNextFiveFirings_InThatZoneAndInUtc()
    {
        await UseStoreAsync(Role.Admin);
        var dialogs = await OpenCreateDialogAsync("report");
        await ChooseCronAsync(dialogs);
        await FieldInput(dialogs, "Cron expression").InputAsync(new ChangeEventArgs { Value = "0 9 * * *" });

        var zone = dialogs.FindComponents<MudAutocomplete<string>>().Single(c => c.Instance.Label == "Time zone");
        await zone.InvokeAsync(() => zone.Instance.SelectOptionAsync("Europe/Brussels"));

        dialogs.WaitForAssertion(() => Assert.Contains("+01:00", dialogs.Find("ol.firing-list").TextContent));
        var firings = dialogs.FindAll("ol.firing-list li").Select(li => li.TextContent).ToList();
        Assert.Equal(5, firings.Count);
        // 10:00 UTC is 11:00 in Brussels, past today's 09:00: the first firing is tomorrow.
        Assert.Contains("2026-03-03 09:00:00 +01:00", firings[0]);
        Assert.Contains("2026-03-03 08:00:00 UTC", firings[0]);
        Assert.Contains("in 22 h", firings[0]);
        Assert.Contains("2026-03-07 09:00:00 +01:00", firings[4]);
    }

    [Fact(Timeout = 30_000)]
    public async Task AViewer_SeesSchedulesAndTheirPreview_ButCannotCreatePauseDeleteOrFire()
    {
        await UseStoreAsync(Role.Viewer);
        await Get<ScheduleService>().CreateAsync(new NewSchedule("report", IntervalSeconds: 3600, Tags: ["nightly"]), Caller.System);
        RenderProviders();

        var page = Render<SchedulesPage>();

        page.WaitForAssertion(() => Assert.Contains("Every 1 h", page.Find("tbody").TextContent));
        Assert.Contains("nightly", page.Find("tbody").TextContent);
        Assert.Single(page.FindAll("button[aria-label^='Preview next firings']"));
        Assert.False(HasButton(page, "Create schedule"));
        Assert.Empty(page.FindAll("button[aria-label^='Pause'], button[aria-label^='Resume'], button[aria-label^='Delete'], button[aria-label^='Fire']"));
    }

    [Fact(Timeout = 30_000)]
    public async Task AnOperator_FiresARowNow_AndIsToldWhichTaskItMade_ButCannotPauseIt()
    {
        await UseStoreAsync(Role.Operator);
        var schedules = Get<ScheduleService>();
        var schedule = await schedules.CreateAsync(
            new NewSchedule("report", IntervalSeconds: 60, DataJson: """{"n":1}""", Priority: 4, StartTimestamp: Now.AddHours(1), Tags: ["nightly"]),
            Caller.System);
        RenderProviders();
        var snackbars = Render<MudSnackbarProvider>();
        var page = Render<SchedulesPage>();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("button[aria-label^='Fire the report schedule']")));
        Assert.Empty(page.FindAll("button[aria-label^='Pause'], button[aria-label^='Delete']"));

        await page.Find("button[aria-label^='Fire the report schedule']").ClickAsync(new());

        var tasks = await Get<TaskQueries>().FindAsync(RqlParser.Parse($"eq(scheduleId,{schedule.Id})"));
        var task = Assert.Single(tasks.Tasks);
        Assert.Equal(("report", """{"n":1}""", 4L, Now, SignedInUserId), (task.FunctionName, task.DataJson, task.Priority, task.StartTimestamp, task.CreatedByUserId));
        Assert.Equal(["nightly"], task.Tags);
        snackbars.WaitForAssertion(() => Assert.NotNull(snackbars.Find($"a[href='/tasks/{task.Id}']")));
        Assert.Contains($"task {task.Id} is created", snackbars.Find(".mud-snackbar").TextContent);
        Assert.Equal(Now.AddHours(1), (await schedules.GetAsync(schedule.Id)).NextTimestamp);
    }

    [Fact(Timeout = 30_000)]
    public async Task AnAdmin_PausesAndResumes_AndPreviewsARow()
    {
        await UseStoreAsync(Role.Admin);
        var schedules = Get<ScheduleService>();
        var schedule = await schedules.CreateAsync(new NewSchedule("report", IntervalSeconds: 60), Caller.System);
        var dialogs = RenderProviders();
        var page = Render<SchedulesPage>();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("button[aria-label^='Pause']")));
        Assert.True(HasButton(page, "Create schedule"));

        await page.Find("button[aria-label^='Pause']").ClickAsync(new());
        Assert.True((await schedules.GetAsync(schedule.Id)).Paused);
        page.WaitForAssertion(() => Assert.Single(page.FindAll("button[aria-label^='Resume']")));

        await page.Find("button[aria-label^='Resume']").ClickAsync(new());
        Assert.False((await schedules.GetAsync(schedule.Id)).Paused);

        page.WaitForAssertion(() => Assert.Single(page.FindAll("button[aria-label^='Preview next firings']")));
        await page.Find("button[aria-label^='Preview next firings']").ClickAsync(new());
        dialogs.WaitForAssertion(() => Assert.Equal(SchedulePreviewDialog.Count, dialogs.FindAll("ol.firing-list li").Count));
    }

    [Fact(Timeout = 30_000)]
    public async Task Deleting_AsksFirst_ThenRemovesTheSchedule()
    {
        await UseStoreAsync(Role.Admin);
        var schedules = Get<ScheduleService>();
        var schedule = await schedules.CreateAsync(new NewSchedule("report", IntervalSeconds: 60), Caller.System);
        var dialogs = RenderProviders();
        var page = Render<SchedulesPage>();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("button[aria-label^='Delete']")));

        var deleting = page.Find("button[aria-label^='Delete']").ClickAsync(new());
        dialogs.WaitForAssertion(() => Assert.Contains("tasks it already created are kept", dialogs.Markup));
        Assert.NotNull(await schedules.FindByIdAsync(schedule.Id));
        await Button(dialogs, "Delete").ClickAsync(new());
        await deleting;

        page.WaitForAssertion(() => Assert.Empty(page.FindAll("button[aria-label^='Delete']")));
        Assert.Null(await schedules.FindByIdAsync(schedule.Id));
    }

    [Fact(Timeout = 30_000)]
    public async Task TypingARegionNameAsTheTimeZone_ShowsAnErrorAtTheField_AndTheDialogKeepsWorking()
    {
        await UseStoreAsync(Role.Admin);
        var dialogs = await OpenCreateDialogAsync("report");
        await ChooseCronAsync(dialogs);
        await FieldInput(dialogs, "Cron expression").InputAsync(new ChangeEventArgs { Value = "0 9 * * *" });

        // One key at a time, as a person types it: every prefix is checked on its way.
        foreach (var typed in new[] { "E", "Eu", "Eur", "Euro", "Europ", "Europe" })
        {
            await FieldInput(dialogs, "Time zone").InputAsync(new ChangeEventArgs { Value = typed });
        }

        dialogs.WaitForAssertion(() => Assert.Contains("Not a time zone: pick one from the list", FieldControl(dialogs, "Time zone").TextContent));
        Assert.True(Button(dialogs, "Create").HasAttribute("disabled"));

        await FieldInput(dialogs, "Time zone").InputAsync(new ChangeEventArgs { Value = "Europe/Amsterdam" });
        dialogs.WaitForAssertion(() => Assert.DoesNotContain("Not a time zone", FieldControl(dialogs, "Time zone").TextContent));
        await Button(dialogs, "Create").ClickAsync(new());

        var schedule = Assert.Single((await Get<ScheduleService>().FindAsync(RqlParser.Parse(""))).Schedules);
        Assert.Equal("Europe/Amsterdam", schedule.TimeZone);
    }

    [Fact(Timeout = 30_000)]
    public async Task TheDataJson_IsCheckedAsItIsTyped_WithLineAndColumn_AndTagsAreChips()
    {
        await UseStoreAsync(Role.Admin);
        var dialogs = await OpenCreateDialogAsync("report");

        await FieldInput(dialogs, "Data (JSON object)").InputAsync(new ChangeEventArgs { Value = "{\n  \"a\": 1,,\n}" });

        dialogs.WaitForAssertion(() => Assert.Contains("Not valid JSON at line 2, column", FieldControl(dialogs, "Data (JSON object)").TextContent));
        Assert.True(Button(dialogs, "Create").HasAttribute("disabled"));

        await FieldInput(dialogs, "Data (JSON object)").InputAsync(new ChangeEventArgs { Value = "{\"a\": 1}" });
        await FieldInput(dialogs, "Tags").InputAsync(new ChangeEventArgs { Value = "nightly" });
        await FieldInput(dialogs, "Tags").KeyDownAsync(new KeyboardEventArgs { Key = "Enter" });
        dialogs.WaitForAssertion(() => Assert.Single(dialogs.FindAll("[role=list][aria-label=Tags] .mud-chip")));
        await Button(dialogs, "Create").ClickAsync(new());

        var schedule = Assert.Single((await Get<ScheduleService>().FindAsync(RqlParser.Parse(""))).Schedules);
        Assert.Equal("""{"a": 1}""", schedule.DataJson);
        Assert.Equal(["nightly"], schedule.Tags);
    }

    [Fact(Timeout = 30_000)]
    public async Task TheStart_IsPickedAsADateAndA24HourTime_InTheSchedulesZone()
    {
        await UseStoreAsync(Role.Admin);
        var dialogs = await OpenCreateDialogAsync("report");
        await ChooseCronAsync(dialogs);
        await FieldInput(dialogs, "Cron expression").InputAsync(new ChangeEventArgs { Value = "0 9 * * *" });
        var zone = dialogs.FindComponents<MudAutocomplete<string>>().Single(c => c.Instance.Label == "Time zone");
        await zone.InvokeAsync(() => zone.Instance.SelectOptionAsync("Europe/Brussels"));

        // No native date-time input (its format follows the browser, not the console's convention).
        Assert.Empty(dialogs.FindAll("input[type='datetime-local']"));
        await FieldInput(dialogs, "Start date (Europe/Brussels, optional)").ChangeAsync(new ChangeEventArgs { Value = "2026-03-10" });
        await FieldInput(dialogs, "Start time").ChangeAsync(new ChangeEventArgs { Value = "09:30" });

        // 09:30 in Brussels on the 10th is past that day's 09:00: the first firing is on the 11th.
        dialogs.WaitForAssertion(() => Assert.Contains("2026-03-11 09:00:00 +01:00", dialogs.Find("ol.firing-list li").TextContent));
        await Button(dialogs, "Create").ClickAsync(new());

        var schedule = Assert.Single((await Get<ScheduleService>().FindAsync(RqlParser.Parse(""))).Schedules);
        Assert.Equal(new DateTimeOffset(2026, 3, 11, 8, 0, 0, TimeSpan.Zero), schedule.NextTimestamp);
    }

    [Fact]
    public void TheTimeZoneSearch_PutsTheCityTypedFirst_AndNarrowsToIt()
    {
        Assert.Equal(["Europe/Amsterdam"], TimeZoneChoices.Search("Amsterdam"));
        Assert.Equal("Europe/Amsterdam", TimeZoneChoices.Search("europe/amsterdam").First());
        Assert.Equal("America/New_York", TimeZoneChoices.Search("new york").First());
        Assert.All(TimeZoneChoices.Search("Europe"), zone => Assert.Contains("Europe", zone, StringComparison.OrdinalIgnoreCase));
        Assert.Equal(TimeZoneChoices.Utc, TimeZoneChoices.Search("").First());
    }

    [Fact(Timeout = 30_000)]
    public async Task PausingARow_KeepsItWhereItIs_UntilRefresh()
    {
        await UseStoreAsync(Role.Admin);
        var schedules = Get<ScheduleService>();
        var soon = await schedules.CreateAsync(new NewSchedule("soon", IntervalSeconds: 60, StartTimestamp: Now.AddMinutes(1)), Caller.System);
        await schedules.CreateAsync(new NewSchedule("later", IntervalSeconds: 60, StartTimestamp: Now.AddMinutes(2)), Caller.System);
        RenderProviders();
        var page = Render<SchedulesPage>();
        page.WaitForAssertion(() => Assert.Equal(["soon", "later"], RowFunctions(page)));

        await page.Find("button[aria-label^='Pause the soon schedule']").ClickAsync(new());

        Assert.True((await schedules.GetAsync(soon.Id)).Paused);
        page.WaitForAssertion(() => Assert.Single(page.FindAll("button[aria-label^='Resume the soon schedule']")));
        Assert.Equal(["soon", "later"], RowFunctions(page));
        Assert.NotNull(page.Find("button[aria-label^='Pause the later schedule']"));

        await Button(page, "Refresh").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Equal(["later", "soon"], RowFunctions(page)));
    }

    private static List<string> RowFunctions(IRenderedComponent<SchedulesPage> page) =>
        page.FindAll("tbody tr td[data-label='Function']").Select(cell => cell.TextContent.Trim()).ToList();

    private async Task<IRenderedComponent<MudDialogProvider>> OpenCreateDialogAsync(string functionName)
    {
        var dialogs = RenderProviders();
        var parameters = new DialogParameters<CreateScheduleDialog> { { d => d.FunctionName, functionName } };
        await dialogs.InvokeAsync(() => Get<IDialogService>().ShowAsync<CreateScheduleDialog>("Create schedule", parameters));
        dialogs.WaitForAssertion(() => Assert.True(HasField(dialogs, "Function")));
        return dialogs;
    }

    private static async Task ChooseCronAsync(IRenderedComponent<MudDialogProvider> dialogs)
    {
        var radio = dialogs.FindAll("label.mud-radio").Single(label => label.TextContent.Contains("On a cron expression"));
        await radio.QuerySelector("input")!.ClickAsync(new());
        dialogs.WaitForAssertion(() => Assert.True(HasField(dialogs, "Cron expression")));
    }
}
