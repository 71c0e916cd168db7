using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Data;
using TasksConsole.Core.Tasks;
using TasksConsole.Tests.Data;
using TasksConsole.Tests.Infrastructure;
using TasksConsole.Web.Components.Shared;
using TasksConsole.Web.Tasks;

namespace TasksConsole.Tests.Tasks;

public sealed class ScheduleTaskDialogTests : ConsoleTestContext
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private const string SignedInUserId = "0123456789abcdef01234567";

    [Fact]
    public async Task Submitting_WithoutAFunction_AsksForOne_AndCreatesNothing()
    {
        await using var database = await TestDatabase.CreateAsync();
        Services.AddTaskConsole(database);
        SignIn(Role.Operator);
        var (dialog, _) = await OpenAsync();

        dialog.Find("[data-testid=schedule-submit]").Click();

        dialog.WaitForAssertion(() => Assert.Contains("Choose a function.", dialog.Markup), Patience);
        Assert.Empty(await database.AllTasksAsync());
    }

    [Theory]
    [InlineData("{\"a\": }", "Not valid JSON at line 1, column 7")]
    [InlineData("{\n  \"a\": 1,\n  \"b\" 2\n}", "Not valid JSON at line 3, column 7")]
    [InlineData("[1, 2]", "Data must be a JSON object ({ … }), not an array.")]
    [InlineData("\"text\"", "not a string")]
    [InlineData("null", "not null")]
    public async Task BadData_IsRefused_SayingWhatIsWrongAndWhere(string data, string message)
    {
        await using var database = await TestDatabase.CreateAsync();
        Services.AddTaskConsole(database);
        SignIn(Role.Operator);
        var (dialog, _) = await OpenAsync(Template("echo"));

        dialog.Find("textarea").Input(data);

        dialog.WaitForAssertion(() => Assert.Contains(message, dialog.Markup), Patience);
        dialog.Find("[data-testid=schedule-submit]").Click();
        Assert.Empty(await database.AllTasksAsync());
    }

    [Fact]
    public async Task OversizedData_IsRefused_WithItsSizeAndTheLimit()
    {
        await using var database = await TestDatabase.CreateAsync();
        Services.AddTaskConsole(database);
        SignIn(Role.Operator);
        var (dialog, _) = await OpenAsync(Template("echo"));

        dialog.Find("textarea").Input("{\"blob\":\"" + new string('x', 260 * 1024) + "\"}");

        dialog.WaitForAssertion(() => Assert.Contains("Data is 260 KB; the limit is 250 KB.", dialog.Markup), Patience);
        dialog.Find("[data-testid=schedule-submit]").Click();
        Assert.Empty(await database.AllTasksAsync());
    }

    [Fact]
    public async Task AValidSubmission_CreatesTheTask_AsTheSignedInUser_AndReturnsIt()
    {
        await using var database = await TestDatabase.CreateAsync();
        await database.AddFunctionAsync("echo", "Returns its data");
        Services.AddTaskConsole(database);
        SignIn(Role.Operator);
        var (dialog, result) = await OpenAsync(Template("echo", "{\"old\":true}", priority: 3, tags: ["a"]));

        dialog.Find("textarea").Input("{ \"to\": \"été\", \"n\": 1.50 }");
        dialog.Find("[data-testid=schedule-submit]").Click();

        var created = await result.WaitAsync(Patience);
        var stored = Assert.Single(await database.AllTasksAsync());
        Assert.NotNull(created);
        Assert.Equal(created.Id, stored.Id);
        Assert.Equal(("echo", "{ \"to\": \"été\", \"n\": 1.50 }", 3L), (stored.FunctionName, stored.DataJson, stored.Priority));
        Assert.Equal(["a"], stored.Tags);
        Assert.Equal(SignedInUserId, stored.CreatedByUserId);
        Assert.Equal(TaskState.New, stored.Status);
    }

    [Fact]
    public async Task AStartDateAndTime_AreTakenInTheBrowsersTimeZone_AndStoredAsUtc()
    {
        await using var database = await TestDatabase.CreateAsync();
        Services.AddTaskConsole(database);
        SignIn(Role.Operator);
        JSInterop.SetupModule(BrowserTimeZone.ModulePath).Setup<string?>("timeZone").SetResult("Europe/Brussels");
        var (dialog, result) = await OpenAsync(Template("echo"));

        dialog.FindAll("input[type=radio]")[1].Click();
        dialog.WaitForAssertion(() => Assert.Contains("Europe/Brussels (UTC+", dialog.Find("[data-testid=start-zone]").TextContent), Patience);
        dialog.FindAll(".mud-picker input")[0].Change("2030-06-01");
        dialog.FindAll(".mud-picker input")[1].Change("09:30");
        dialog.WaitForAssertion(() => Assert.Contains("Stored as 2030-06-01 07:30 UTC.", dialog.Find("[data-testid=start-zone]").TextContent), Patience);
        dialog.Find("[data-testid=schedule-submit]").Click();

        var created = await result.WaitAsync(Patience);
        Assert.Equal(new DateTimeOffset(2030, 6, 1, 7, 30, 0, TimeSpan.Zero), created?.StartTimestamp);
    }

    [Theory]
    [InlineData("Europe/Brussels", "Europe/Brussels")]
    [InlineData("Not/AZone", "UTC")]
    [InlineData(null, "UTC")]
    public void TheBrowsersTimeZone_ResolvesToAKnownZone_OrUtc(string? id, string expected)
    {
        var zone = BrowserTimeZone.Resolve(id);

        Assert.StartsWith(expected, BrowserTimeZone.Describe(zone, new DateTimeOffset(2030, 1, 15, 0, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public async Task Clone_PrefillsFunctionDataPriorityAndTags()
    {
        await using var database = await TestDatabase.CreateAsync();
        Services.AddTaskConsole(database);
        SignIn(Role.Operator);

        var (dialog, _) = await OpenAsync(Template("resize", "{\"w\":640,\"h\":480}", priority: 9, tags: ["images", "batch-7"]));

        Assert.Contains("Schedule a copy of a task", dialog.Markup);
        Assert.Equal("resize", dialog.Find(".mud-autocomplete input").GetAttribute("value"));
        Assert.Equal("{\n  \"w\": 640,\n  \"h\": 480\n}", dialog.Find("textarea").GetAttribute("value") ?? dialog.Find("textarea").TextContent);
        Assert.Equal("9", dialog.Find("[data-testid=task-priority] input, input[data-testid=task-priority]").GetAttribute("value"));
        Assert.Contains("images", dialog.Markup);
        Assert.Contains("batch-7", dialog.Markup);
    }

    [Theory]
    [InlineData("nowhere", "No function named 'nowhere' is registered. The task is accepted, but fails when it runs")]
    [InlineData("paused", "'paused' is disabled. The task is accepted, but fails when it runs")]
    public async Task AnUnknownOrDisabledFunction_IsAccepted_WithAWarningThatItWillFail(string function, string warning)
    {
        await using var database = await TestDatabase.CreateAsync();
        await database.AddFunctionAsync("paused", enabled: false);
        Services.AddTaskConsole(database);
        SignIn(Role.Operator);
        var (dialog, result) = await OpenAsync(Template(function));

        dialog.WaitForAssertion(() => Assert.Contains(warning, dialog.Markup), Patience);
        dialog.Find("[data-testid=schedule-submit]").Click();

        Assert.Equal(function, (await result.WaitAsync(Patience))?.FunctionName);
    }

    [Fact]
    public async Task AUserWithoutCreateTasks_IsRefused_EvenWithTheDialogOpen()
    {
        await using var database = await TestDatabase.CreateAsync();
        Services.AddTaskConsole(database);
        SignIn(Role.Viewer);
        var (dialog, _) = await OpenAsync(Template("echo"));

        dialog.Find("[data-testid=schedule-submit]").Click();

        dialog.WaitForAssertion(() => Assert.Contains("Scheduling tasks needs the CREATE_TASKS permission.", dialog.Markup), Patience);
        Assert.Empty(await database.AllTasksAsync());
    }

    [Fact]
    public async Task AServiceRefusal_IsShownInTheDialog()
    {
        await using var database = await TestDatabase.CreateAsync();
        Services.AddTaskConsole(database);
        SignIn(Role.Operator);
        // A tag longer than the service allows (the tag input would refuse it; a cloned task can still carry one).
        var (dialog, _) = await OpenAsync(Template("echo", tags: [new string('t', TaskLimits.MaxTagLength + 1)]));

        dialog.Find("[data-testid=schedule-submit]").Click();

        dialog.WaitForAssertion(() => Assert.Contains(
            $"Each tag must be 1 to {TaskLimits.MaxTagLength} characters long.", dialog.Find("[data-testid=schedule-error]").TextContent), Patience);
        Assert.Empty(await database.AllTasksAsync());
    }

    [Fact]
    public async Task AStoreThatCannotTakeWrites_IsShownInTheDialog_WhichStaysOpen()
    {
        // The store on a disk that turns read-only while the console is open (see StoreFaultTests).
        await using var disk = await SmallFileSystem.MountExt4Async(megabytes: 16);
        await using var store = CoreBuilder.WithStoreAt(disk.Path, "tasks.db").AddStorageCore().Services.BuildServiceProvider();
        await store.MigrateTasksStoreAsync();
        var factory = store.GetRequiredService<IDbContextFactory<TasksDbContext>>();
        Services.AddTaskConsole(factory);
        SignIn(Role.Operator);
        var (dialog, result) = await OpenAsync(Template("echo"));
        await disk.SyncAsync();
        await disk.TurnReadOnlyAsync();

        dialog.Find("[data-testid=schedule-submit]").Click();

        dialog.WaitForAssertion(() => Assert.Contains(
            StoreErrors.UnavailableMessage("its disk failed to read or write"), dialog.Find("[data-testid=schedule-error]").TextContent), Patience);
        Assert.False(result.IsCompleted, "the dialog closed");
        await using var db = await factory.CreateDbContextAsync();
        Assert.Empty(await db.Tasks.ToListAsync());
    }

    private static TaskRecord Template(string function, string data = "{}", long priority = 0, string[]? tags = null)
    {
        var task = new TaskRecord { Id = "65a1f0c2e4b0a1b2c3d4e5f6", FunctionName = function, DataJson = data, Priority = priority };
        task.SetTags(tags ?? []);
        return task;
    }

    private async Task<(IRenderedComponent<MudDialogProvider> Dialog, Task<TaskRecord?> Result)> OpenAsync(TaskRecord? template = null)
    {
        RenderPopoverProvider();
        var provider = Render<MudDialogProvider>();
        var dialogs = Services.GetRequiredService<IDialogService>();
        Task<TaskRecord?>? result = null;
        // Not awaited inside: the task completes only when the dialog closes.
        await provider.InvokeAsync(() => { result = ScheduleTaskDialog.ShowAsync(dialogs, template); });
        provider.WaitForElement("[data-testid=schedule-submit]", Patience);
        return (provider, result!);
    }
}
