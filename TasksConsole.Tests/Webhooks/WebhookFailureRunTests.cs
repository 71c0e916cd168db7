using TasksConsole.Core.Webhooks;

namespace TasksConsole.Tests.Webhooks;

/// <summary>
/// How one recorded batch of attempts moves an endpoint's count of failures in a row (which disables it at the
/// limit): a success resets the count, failures after the last success add to what is left.
/// </summary>
public sealed class WebhookFailureRunTests
{
    [Theory]
    [InlineData(new bool[0], false, 0)]
    [InlineData(new[] { false, false, false }, false, 3)]
    [InlineData(new[] { true }, true, 0)]
    [InlineData(new[] { false, false, true }, true, 0)]
    [InlineData(new[] { false, true, false, false }, true, 2)]
    [InlineData(new[] { true, false, true, false }, true, 1)]
    public void ABatch_ResetsTheRunAtItsLastSuccess_AndCountsTheFailuresAfterIt(bool[] succeeded, bool succeededOnce, int failuresSince)
    {
        Assert.Equal((succeededOnce, failuresSince), WebhookSender.FailureRun(succeeded));
    }
}
