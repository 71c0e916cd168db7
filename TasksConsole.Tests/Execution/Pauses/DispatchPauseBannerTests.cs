using Bunit;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Execution.Pauses;
using TasksConsole.Core.Functions;
using TasksConsole.Tests.Infrastructure;
using TasksConsole.Web.Functions;
using TasksConsole.Web.Execution.Pauses;

namespace TasksConsole.Tests.Execution.Pauses;

/// <summary>The pause banner on the function page and the dashboard, over a real store.</summary>
public sealed class DispatchPauseBannerTests : StoreConsoleTestContext
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    [Fact(Timeout = 30_000)]
    public async Task AnOperator_PausesAFunction_FromItsPage_WithAReasonAndAResumeTime()
    {
        await UseStoreAsync(Role.Operator);
        await RegisterAsync(Get<FunctionService>(), "resize");
        var dialogs = RenderProviders();
        var page = Render<FunctionDetailPage>(p => p.Add(x => x.Name, "resize"));
        page.WaitForAssertion(() => Assert.True(HasButton(page, "Pause…")), Patience);

        // The click's handler waits for the dialog: it ends once the dialog closes.
        var pausing = Button(page, "Pause…").ClickAsync(new());
        dialogs.WaitForAssertion(() => Assert.True(HasButton(dialogs, "Pause")), Patience);
        // Without a reason the dialog says what is missing and pauses nothing.
        await Button(dialogs, "Pause").ClickAsync(new());
        dialogs.WaitForAssertion(() => Assert.Contains("Say why", dialogs.Markup), Patience);
        Assert.Empty((await Get<DispatchPauses>().CurrentAsync()).Functions);

        await FieldInput(dialogs, "Reason").InputAsync(new() { Value = "image CDN migration" });
        await Button(dialogs, "Pause").ClickAsync(new());
        await pausing;

        page.WaitForAssertion(() => Assert.Contains("resize is paused", page.Find("[data-testid=function-pause]").TextContent), Patience);
        Assert.Contains("image CDN migration", page.Find("[data-testid=pause-reason-text]").TextContent);
        Assert.Contains("Until someone resumes it", page.Markup);
        var pause = (await Get<DispatchPauses>().CurrentAsync()).Holding("resize");
        Assert.Equal(("image CDN migration", SignedInUserId, (DateTimeOffset?)null), (pause?.Reason, pause?.PausedByUserId, pause?.ResumeTimestamp));
    }

    [Fact(Timeout = 30_000)]
    public async Task AnOperator_ResumesAPausedFunction()
    {
        await UseStoreAsync(Role.Operator);
        await RegisterAsync(Get<FunctionService>(), "resize");
        await Get<DispatchPauses>().PauseAsync("resize", "rate limited upstream", Now.AddHours(1), new PausedBy("u1", "ops@example.com"));
        RenderProviders();
        var page = Render<FunctionDetailPage>(p => p.Add(x => x.Name, "resize"));
        page.WaitForAssertion(() => Assert.Contains("by ops@example.com", page.Markup), Patience);
        Assert.Contains("Resumes by itself at", page.Markup);

        await Button(page, "Resume").ClickAsync(new());

        page.WaitForAssertion(() => Assert.True(HasButton(page, "Pause…")), Patience);
        Assert.Null((await Get<DispatchPauses>().CurrentAsync()).Holding("resize"));
    }

    [Fact(Timeout = 30_000)]
    public async Task AViewer_SeesThePause_ButNoPauseOrResume()
    {
        await UseStoreAsync(Role.Viewer);
        await RegisterAsync(Get<FunctionService>(), "resize");
        await Get<DispatchPauses>().PauseAsync(null, "database failover", null, new PausedBy("u1", "ops@example.com"));
        RenderProviders();

        var page = Render<FunctionDetailPage>(p => p.Add(x => x.Name, "resize"));

        page.WaitForAssertion(() => Assert.Contains("Dispatch is paused for every function", page.Markup), Patience);
        Assert.False(HasButton(page, "Resume"));
        Assert.False(HasButton(page, "Pause…"));
    }

    [Fact(Timeout = 30_000)]
    public async Task TheDashboard_ShowsTheServicePause_AndPausedFunctions_AndResumes()
    {
        await UseStoreAsync(Role.Operator);
        await RegisterAsync(Get<FunctionService>(), "resize");
        var pauses = Get<DispatchPauses>();
        await pauses.PauseAsync(null, "database failover", null, new PausedBy("u1", "ops@example.com"));
        await pauses.PauseAsync("resize", "image CDN migration", null, new PausedBy("u1", "ops@example.com"));
        RenderProviders();
        var banner = Render<DispatchPauseBanner>(p => p.Add(x => x.ListPausedFunctions, true));
        banner.WaitForAssertion(() => Assert.Contains("Dispatch is paused", banner.Markup), Patience);
        Assert.Contains("database failover", banner.Markup);
        Assert.Equal("/functions/resize", banner.Find("[data-testid=paused-functions] a").GetAttribute("href"));

        await Button(banner, "Resume").ClickAsync(new());

        banner.WaitForAssertion(() => Assert.True(HasButton(banner, "Pause dispatch…")), Patience);
        var state = await pauses.CurrentAsync();
        Assert.False(state.ServicePaused);
        Assert.NotNull(state.Holding("resize"));
    }

    [Fact(Timeout = 30_000)]
    public async Task APauseMadeElsewhere_ShowsUpWithoutAReload()
    {
        await UseStoreAsync(Role.Viewer);
        RenderProviders();
        var banner = Render<DispatchPauseBanner>();
        banner.WaitForAssertion(() => Assert.DoesNotContain("paused", banner.Markup), Patience);

        await Get<DispatchPauses>().PauseAsync(null, "deploy freeze", null, new PausedBy("u2", "lead@example.com"));
        Clock.Advance(DispatchPauseBanner.RefreshInterval);

        banner.WaitForAssertion(() => Assert.Contains("deploy freeze", banner.Markup), Patience);
    }
}
