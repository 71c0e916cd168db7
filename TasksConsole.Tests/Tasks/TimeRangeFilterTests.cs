using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TasksConsole.Tests.Infrastructure;
using TasksConsole.Web.Tasks;

namespace TasksConsole.Tests.Tasks;

public sealed class TimeRangeFilterTests : ConsoleTestContext
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 14, 37, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("Last hour", -60, null)]
    [InlineData("Last 15 minutes", -15, null)]
    [InlineData("Next hour", 0, 60)]
    [InlineData("Next 24 hours", 0, 24 * 60)]
    public void AQuickRange_IsTheExactWindow_AndStaysSoOnceThePageShowsIt(string preset, int fromMinutes, int? toMinutes)
    {
        Services.AddSingleton<TimeProvider>(new FakeTimeProvider(Now));
        var popovers = RenderPopoverProvider();
        var changes = new List<(DateTimeOffset? From, DateTimeOffset? To)>();
        var filter = Render<TimeRangeFilter>(p => p
            .Add(c => c.Label, "Start")
            .Add(c => c.IncludeFuture, true)
            .Add(c => c.RangeChanged, range => changes.Add(range)));

        filter.Find("button[aria-label='Start: quick ranges']").Click();
        popovers.WaitForAssertion(() => Assert.Contains(preset, popovers.Markup), Patience);
        popovers.FindAll(".mud-menu-item").Single(e => e.TextContent.Trim() == preset).Click();
        // The page puts the picked range in the URL and hands it back, as the tasks page does.
        var picked = Assert.Single(changes);
        filter.Render(p => p.Add(c => c.From, picked.From).Add(c => c.To, picked.To));

        var expected = (Now.AddMinutes(fromMinutes), toMinutes is { } to ? Now.AddMinutes(to) : (DateTimeOffset?)null);
        Assert.Equal(expected, picked);
        Assert.Equal([expected], changes);
        Assert.Contains(toMinutes is null ? "From 2026-12-02 " : "2026-12-02 14:37 to ", filter.Markup);
    }
}
