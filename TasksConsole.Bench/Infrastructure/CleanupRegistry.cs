namespace TasksConsole.Bench.Infrastructure;

/// <summary>
/// Clean-up that must happen even when the bench is stopped from outside: <c>using</c> blocks cover exceptions and
/// Ctrl+C, but a SIGTERM only raises <see cref="AppDomain.ProcessExit"/>, where the pending actions run instead.
/// </summary>
internal static class CleanupRegistry
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<long, Action> Pending = [];
    private static long _next;

    static CleanupRegistry()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => RunAll();
    }

    /// <summary>Registers <paramref name="action"/>; disposing the result runs it once and unregisters it.</summary>
    public static IDisposable Register(Action action)
    {
        lock (Gate)
        {
            var key = ++_next;
            Pending[key] = action;
            return new Registration(key);
        }
    }

    private static void RunAll()
    {
        Action[] actions;
        lock (Gate)
        {
            actions = [.. Pending.Values];
            Pending.Clear();
        }
        foreach (var action in actions) TryRun(action);
    }

    private static void TryRun(Action action)
    {
        try
        {
            action();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            // Best effort on the way out; a leftover temp folder must not hide the scenario's own error.
        }
    }

    private sealed class Registration(long key) : IDisposable
    {
        public void Dispose()
        {
            Action? action;
            lock (Gate)
            {
                if (!Pending.Remove(key, out action)) return;
            }
            TryRun(action);
        }
    }
}
