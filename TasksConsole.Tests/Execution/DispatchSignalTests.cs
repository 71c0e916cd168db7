using Microsoft.Extensions.Time.Testing;
using TasksConsole.Core.Execution;

namespace TasksConsole.Tests.Execution;

/// <summary>New tasks wake a sleeping dispatcher only when they start before it would look anyway.</summary>
public sealed class DispatchSignalTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ATaskStartingAfterTheNextLook_DoesNotWakeTheDispatcher_OneStartingBefore_Does()
    {
        var signal = new DispatchSignal();
        var clock = new FakeTimeProvider(Now);
        using var stop = new CancellationTokenSource();
        // Real time bounds the wait; the fake clock only says when the dispatcher plans to look again (Now + 30 s).
        var sleeping = signal.WaitAsync(TimeSpan.FromSeconds(30), clock, stop.Token);

        signal.WakeForStart(Now.AddMinutes(5));
        await Task.Delay(100);
        Assert.False(sleeping.IsCompleted);

        signal.WakeForStart(Now.AddSeconds(10));
        Assert.True(await sleeping.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task WhileTheDispatcherIsAwake_EveryNewTaskLeavesAWakeUp()
    {
        var signal = new DispatchSignal();
        var clock = new FakeTimeProvider(Now);

        // A round in progress may already have run its query: the next round must happen, whatever the start.
        signal.WakeForStart(Now.AddDays(7));

        Assert.True(await signal.WaitAsync(TimeSpan.FromSeconds(30), clock, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5)));
    }
}
