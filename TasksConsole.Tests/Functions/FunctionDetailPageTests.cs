using Bunit;
using MudBlazor;
using Microsoft.AspNetCore.Components;
using TasksConsole.Core.Audit;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Functions;
using TasksConsole.Core.Rql;
using TasksConsole.Core.Tasks;
using TasksConsole.Tests.Infrastructure;
using TasksConsole.Web.Functions;

namespace TasksConsole.Tests.Functions;

public sealed class FunctionDetailPageTests : StoreConsoleTestContext
{
    [Fact(Timeout = 30_000)]
    public async Task AViewer_SeesEveryField_ButNoEditFormEnableOrDelete()
    {
        await UseStoreAsync(Role.Viewer);
        await RegisterAsync(Get<FunctionService>(), "resize", f => f with
        {
            LambdaFunctionName = "image-resize:live",
            EnvironmentVariables = new Dictionary<string, string> { ["BUCKET"] = "images" },
            RetryEnabled = true,
        });
        RenderProviders();

        var page = Render<FunctionDetailPage>(p => p.Add(x => x.Name, "resize"));

        page.WaitForAssertion(() => Assert.Contains("image-resize:live", page.Markup));
        Assert.Contains("BUCKET", page.Find("[data-testid=environment-variable]").TextContent);
        Assert.Contains("(set)", page.Find("[data-testid=environment-variable]").TextContent);
        Assert.DoesNotContain("images", page.Markup);
        Assert.False(HasButton(page, "Reveal values"), "only admins may read the values");
        Assert.Contains("3 retries (2 s, 5 s, 10 s) on any error", page.Markup);
        Assert.False(HasButton(page, "Save"));
        Assert.False(HasButton(page, "Disable"));
        Assert.False(HasButton(page, "Delete"));
        Assert.False(HasField(page, "Time limit (seconds)"));
    }

    [Fact(Timeout = 30_000)]
    public async Task AnAdmin_SeesTheEditForm_EnableAndDelete()
    {
        await UseStoreAsync(Role.Admin);
        await RegisterAsync(Get<FunctionService>(), "resize");
        RenderProviders();

        var page = Render<FunctionDetailPage>(p => p.Add(x => x.Name, "resize"));

        page.WaitForAssertion(() => Assert.True(HasButton(page, "Save")));
        Assert.True(HasButton(page, "Disable"));
        Assert.True(HasButton(page, "Delete"));
        Assert.Equal("30", FieldInput(page, "Time limit (seconds)").GetAttribute("value"));
    }

    [Fact(Timeout = 30_000)]
    public async Task Disabling_SaysTheTasksWaitAndRunWhenEnabledAgain()
    {
        await UseStoreAsync(Role.Admin);
        await RegisterAsync(Get<FunctionService>(), "resize");
        RenderProviders();
        var page = Render<FunctionDetailPage>(p => p.Add(x => x.Name, "resize"));
        page.WaitForAssertion(() => Assert.True(HasButton(page, "Disable")));

        await Button(page, "Disable").ClickAsync(new());

        page.WaitForAssertion(() => Assert.True(HasButton(page, "Enable")));
        var message = Assert.Single(Get<ISnackbar>().ShownSnackbars).Message;
        Assert.Equal("resize is disabled: its tasks wait, still new, and run when it is enabled again.", message);
        Assert.DoesNotContain("fail", message);
    }

    [Fact(Timeout = 30_000)]
    public async Task LeavingWithUnsavedChanges_AsksFirst_AndStaysWhenTold()
    {
        await UseStoreAsync(Role.Admin);
        await RegisterAsync(Get<FunctionService>(), "resize");
        var dialogs = RenderProviders();
        var page = Render<FunctionDetailPage>(p => p.Add(x => x.Name, "resize"));
        page.WaitForAssertion(() => Assert.True(HasButton(page, "Save")));
        var navigation = Get<NavigationManager>();
        var here = navigation.Uri;

        await FieldInput(page, "Description").ChangeAsync(new ChangeEventArgs { Value = "changed" });
        _ = page.InvokeAsync(() => navigation.NavigateTo("/functions"));

        dialogs.WaitForAssertion(() => Assert.Contains("Leave without saving?", dialogs.Markup));
        await Button(dialogs, "Stay").ClickAsync(new());
        Assert.Equal(here, navigation.Uri);
        Assert.Equal("changed", FieldInput(page, "Description").GetAttribute("value"));
    }

    [Fact(Timeout = 30_000)]
    public async Task SavingABadTimeLimit_ShowsTheServiceErrorAtTheField_AndStoresNothing()
    {
        await UseStoreAsync(Role.Admin);
        var functions = Get<FunctionService>();
        await RegisterAsync(functions, "resize");
        RenderProviders();
        var page = Render<FunctionDetailPage>(p => p.Add(x => x.Name, "resize"));
        page.WaitForAssertion(() => Assert.True(HasButton(page, "Save")));

        await FieldInput(page, "Time limit (seconds)").ChangeAsync(new ChangeEventArgs { Value = "1" });
        await FieldInput(page, "Description").ChangeAsync(new ChangeEventArgs { Value = "changed" });
        await Button(page, "Save").ClickAsync(new());

        page.WaitForAssertion(() =>
            Assert.Contains("Give 3 to 900 seconds.", FieldControl(page, "Time limit (seconds)").TextContent));
        Assert.DoesNotContain("timeLimit", FieldControl(page, "Description").TextContent);
        var stored = await functions.GetAsync("resize");
        Assert.Equal(30, stored.TimeLimitSeconds);
        Assert.Equal("The resize function", stored.Description);
    }

    [Fact(Timeout = 30_000)]
    public async Task SavingValidChanges_StoresThemThroughTheFunctionService_KeepingWhatTheFormDoesNotShow()
    {
        await UseStoreAsync(Role.Admin);
        var functions = Get<FunctionService>();
        await RegisterAsync(functions, "resize", f => f with { Code = "UEsDBA==", Runtime = "nodejs22.x" });
        RenderProviders();
        var page = Render<FunctionDetailPage>(p => p.Add(x => x.Name, "resize"));
        page.WaitForAssertion(() => Assert.True(HasButton(page, "Save")));

        await FieldInput(page, "Description").ChangeAsync(new ChangeEventArgs { Value = "Makes thumbnails" });
        await FieldInput(page, "Lambda function name or ARN").ChangeAsync(new ChangeEventArgs { Value = "arn:aws:lambda:eu-west-1:123456789012:function:thumbs" });
        await FieldInput(page, "Qualifier").ChangeAsync(new ChangeEventArgs { Value = "live" });
        await FieldInput(page, "Time limit (seconds)").ChangeAsync(new ChangeEventArgs { Value = "120" });
        await FieldInput(page, "Memory (MB)").ChangeAsync(new ChangeEventArgs { Value = "512" });
        await FieldInput(page, "Default priority").ChangeAsync(new ChangeEventArgs { Value = "5" });
        await FieldInput(page, "Concurrency limit").ChangeAsync(new ChangeEventArgs { Value = "3" });
        await page.Find("input.mud-switch-input").ChangeAsync(new ChangeEventArgs { Value = true });
        await FieldInput(page, "Add an error name").InputAsync(new ChangeEventArgs { Value = "Sandbox.Timedout" });
        await Button(page, "Add").ClickAsync(new());
        await FieldInput(page, "Retry 3 after (s)").ChangeAsync(new ChangeEventArgs { Value = "30" });
        await Button(page, "Add variable").ClickAsync(new());
        await FieldInput(page, "Variable 1 name").ChangeAsync(new ChangeEventArgs { Value = "BUCKET" });
        await FieldInput(page, "Variable 1 value").ChangeAsync(new ChangeEventArgs { Value = "thumbs" });
        await Button(page, "Save").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Contains("Makes thumbnails", page.Markup));
        var stored = FunctionDefinition.From(await functions.GetAsync("resize"));
        Assert.Equal("Makes thumbnails", stored.Description);
        Assert.Equal("arn:aws:lambda:eu-west-1:123456789012:function:thumbs", stored.LambdaFunctionName);
        Assert.Equal("live", stored.Qualifier);
        Assert.Equal((120, 512, 5L, 3), (stored.TimeLimitSeconds, stored.MemoryLimitMb, stored.DefaultPriority, stored.ConcurrencyLimit));
        Assert.True(stored.RetryEnabled);
        Assert.Equal(["Sandbox.Timedout"], stored.ErrorsToRetry);
        Assert.Equal([2, 5, 30], stored.RetryDelaysSeconds);
        Assert.Equal(new Dictionary<string, string> { ["BUCKET"] = "thumbs" }, stored.EnvironmentVariables);
        Assert.Equal("nodejs22.x", stored.Runtime);
        Assert.Equal("UEsDBA==", await CodeOfAsync("resize"));
    }

    [Fact(Timeout = 30_000)]
    public async Task RecentTasks_LinkToEachTask_AndToAllTasksOfTheFunction()
    {
        await UseStoreAsync(Role.Viewer);
        await RegisterAsync(Get<FunctionService>(), "resize");
        var tasks = Get<TaskService>();
        var created = new List<TaskRecord>();
        for (var i = 0; i < 22; i++)
        {
            Clock.Advance(TimeSpan.FromSeconds(1));
            created.Add(await tasks.CreateAsync(new NewTask("resize"), Caller.System));
        }
        await tasks.CreateAsync(new NewTask("other"), Caller.System);
        RenderProviders();

        var page = Render<FunctionDetailPage>(p => p.Add(x => x.Name, "resize"));

        page.WaitForAssertion(() => Assert.Equal(FunctionDetailPage.RecentTaskCount, page.FindAll("a[href^='/tasks/']").Count));
        Assert.NotNull(page.Find($"a[href='/tasks/{created[^1].Id}']"));
        var seeAll = page.Find("a[href='/tasks?fn=resize']");
        Assert.Contains("See all (22)", seeAll.TextContent);
    }

    [Fact(Timeout = 30_000)]
    public async Task Deleting_AsksFirst_ThenRemovesTheFunctionAndKeepsItsTasks()
    {
        await UseStoreAsync(Role.Admin);
        var functions = Get<FunctionService>();
        await RegisterAsync(functions, "resize");
        var task = await Get<TaskService>().CreateAsync(new NewTask("resize"), Caller.System);
        var dialogs = RenderProviders();
        var page = Render<FunctionDetailPage>(p => p.Add(x => x.Name, "resize"));
        page.WaitForAssertion(() => Assert.True(HasButton(page, "Delete")));

        var deleting = Button(page, "Delete").ClickAsync(new());
        dialogs.WaitForAssertion(() => Assert.Contains("Its tasks are kept", dialogs.Markup));
        Assert.NotNull(await functions.FindAsync("resize"));
        await Button(dialogs, "Delete").ClickAsync(new());
        await deleting;

        Assert.EndsWith("/functions", Get<NavigationManager>().Uri);
        Assert.Null(await functions.FindAsync("resize"));
        Assert.NotNull(await Get<TaskService>().FindByIdAsync(task.Id));
    }

    [Fact(Timeout = 30_000)]
    public async Task EnvironmentValues_AreWriteOnlyInTheForm_AndKeptUnlessRetyped()
    {
        await UseStoreAsync(Role.Admin);
        var functions = Get<FunctionService>();
        await RegisterAsync(functions, "resize", f => f with
        {
            EnvironmentVariables = new Dictionary<string, string> { ["API_KEY"] = "k-secret", ["BUCKET"] = "images" },
        });
        RenderProviders();
        var page = Render<FunctionDetailPage>(p => p.Add(x => x.Name, "resize"));
        page.WaitForAssertion(() => Assert.True(HasButton(page, "Save")));

        Assert.DoesNotContain("k-secret", page.Markup);
        Assert.DoesNotContain("images", page.Markup);
        Assert.Equal("", FieldInput(page, "Variable 1 value").GetAttribute("value") ?? "");
        await FieldInput(page, "Variable 2 value").ChangeAsync(new ChangeEventArgs { Value = "thumbs" });
        await FieldInput(page, "Description").ChangeAsync(new ChangeEventArgs { Value = "Makes thumbnails" });
        await Button(page, "Save").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Contains("Makes thumbnails", page.Markup));
        var stored = FunctionDefinition.From(await functions.GetAsync("resize"));
        Assert.Equal(new Dictionary<string, string> { ["API_KEY"] = "k-secret", ["BUCKET"] = "thumbs" }, stored.EnvironmentVariables);
    }

    [Fact(Timeout = 30_000)]
    public async Task RevealingValues_ShowsThem_AndIsAudited()
    {
        await UseStoreAsync(Role.Admin);
        await RegisterAsync(Get<FunctionService>(), "resize", f => f with
        {
            EnvironmentVariables = new Dictionary<string, string> { ["API_KEY"] = "k-secret" },
        });
        RenderProviders();
        var page = Render<FunctionDetailPage>(p => p.Add(x => x.Name, "resize"));
        page.WaitForAssertion(() => Assert.True(HasButton(page, "Reveal values")));
        Assert.DoesNotContain("k-secret", page.Markup);

        await Button(page, "Reveal values").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Contains("API_KEY=k-secret", page.Markup));
        var entries = (await Get<AuditTrail>().FindAsync(RqlParser.Parse("eq(action,function.revealEnvironment)&eq(targetId,resize)"))).Items;
        Assert.Contains("1 environment variable(s) of resize", Assert.Single(entries).Summary);
    }

    private async Task<string?> CodeOfAsync(string name)
    {
        await using var db = Database.CreateContext();
        return db.Functions.Single(f => f.Name == name).CodeBase64;
    }
}
