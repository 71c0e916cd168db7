using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TasksConsole.Core.Tasks;
using TasksConsole.Tests.Infrastructure;
using TasksConsole.Web.Tasks;
using static TasksConsole.Tests.Infrastructure.ConsoleStore;

namespace TasksConsole.Tests.Tasks;

public sealed class RetryChainViewTests : ConsoleTestContext
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public RetryChainViewTests()
    {
        Services.AddSingleton<TimeProvider>(new FakeTimeProvider(T0.AddHours(1)));
    }

    /// <summary>retried (ran 1.5 s) → 2 s → retried (ran 0.8 s) → 5 s → complete.</summary>
    private static readonly IReadOnlyList<RetryAttempt> Chain =
    [
        new(Id(1), TaskState.Retried, T0, T0, T0.AddSeconds(1), T0.AddSeconds(2.5), "runtime", "FlakyFailure", "first try", Id(2)),
        new(Id(2), TaskState.Retried, T0.AddSeconds(2.5), T0.AddSeconds(4.5), T0.AddSeconds(5), T0.AddSeconds(5.8), "runtime", "FlakyFailure", "second try", Id(3)),
        new(Id(3), TaskState.Complete, T0.AddSeconds(5.8), T0.AddSeconds(10.8), T0.AddSeconds(11), T0.AddSeconds(11.25), null, null, null, null),
    ];

    [Fact]
    public void RendersEveryAttempt_InOrder_WithStatusAndLink()
    {
        var view = Render<RetryChainView>(p => p.Add(x => x.Attempts, Chain).Add(x => x.CurrentTaskId, Id(2)));

        var nodes = view.FindAll("li.retry-chain__item a.retry-chain__node");
        Assert.Equal(3, nodes.Count);
        Assert.Equal(["1", "2", "3"], nodes.Select(n => n.GetAttribute("data-attempt")));
        Assert.Equal([$"/tasks/{Id(1)}", $"/tasks/{Id(2)}", $"/tasks/{Id(3)}"], nodes.Select(n => n.GetAttribute("href")));
        Assert.Equal(["retried", "retried", "complete"], nodes.Select(n => n.QuerySelector(".mud-chip")!.TextContent.Trim()));
        Assert.Contains("Attempt 1 of 3", nodes[0].TextContent);
        Assert.Contains("Attempt 3 of 3", nodes[2].TextContent);
    }

    [Fact]
    public void HighlightsOnlyTheCurrentAttempt()
    {
        var view = Render<RetryChainView>(p => p.Add(x => x.Attempts, Chain).Add(x => x.CurrentTaskId, Id(2)));

        var nodes = view.FindAll("a.retry-chain__node");
        Assert.Equal([null, "page", null], nodes.Select(n => n.GetAttribute("aria-current")));
        Assert.Contains("this task", nodes[1].TextContent);
        Assert.DoesNotContain("this task", nodes[0].TextContent);
        Assert.NotNull(view.Find("nav[aria-label='Retry chain'] ol"));
    }

    [Fact]
    public void ShowsTheRetryDelayBetweenAttempts_AndEachDurationAndError()
    {
        var view = Render<RetryChainView>(p => p.Add(x => x.Attempts, Chain).Add(x => x.CurrentTaskId, Id(3)));

        // One connector fewer than attempts: the first attempt has no predecessor.
        Assert.Equal(["retried after 2 s", "retried after 5 s"], view.FindAll(".retry-chain__delay").Select(d => d.TextContent.Trim()));
        var nodes = view.FindAll("a.retry-chain__node");
        Assert.Contains("Duration 1.5 s", nodes[0].TextContent);
        Assert.Contains("Duration 250 ms", nodes[2].TextContent);
        Assert.Equal("FlakyFailure: first try", nodes[0].QuerySelector(".retry-chain__error")!.TextContent);
        Assert.Null(nodes[2].QuerySelector(".retry-chain__error"));
    }
}
