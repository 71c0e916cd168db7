namespace TasksConsole.Tests.Infrastructure;

/// <summary>Waits for a condition instead of for a fixed time: the machine that runs the tests may be slow.</summary>
public static class Poll
{
    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, what);

    /// <summary>Checks every 50-500 ms until <paramref name="condition"/> holds; throws naming <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        var delay = TimeSpan.FromMilliseconds(50);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Waited {timeout.TotalSeconds:0} s for {what}.");
            await Task.Delay(delay);
            delay = TimeSpan.FromMilliseconds(Math.Min(500, delay.TotalMilliseconds * 2));
        }
    }
}
