using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace TasksConsole.Core.Auth;

/// <summary>
/// Sliding-window limit on password sign-ins, per email and per client address, in memory (per node).
/// An attempt is counted as a failure when it starts and withdrawn if it succeeds, so a burst of parallel guesses
/// cannot all slip in before the first failure is recorded.
/// </summary>
public sealed class FailedSignInLimiter(TimeProvider clock, IOptions<AuthOptions> options)
{
    private const int SweepThreshold = 10_000;

    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);
    private long _lastSweepTicks;

    /// <summary>
    /// Starts an attempt. False when a limit is reached, with how long until the oldest failure leaves the window.
    /// </summary>
    public bool TryStart(string email, string? clientAddress, out TimeSpan retryAfter)
    {
        var limits = options.Value.SignInLimit;
        var now = clock.GetUtcNow();
        SweepIfLarge(now, limits.Window);

        var emailWindow = _windows.GetOrAdd(EmailKey(email), _ => new Window());
        var clientWindow = _windows.GetOrAdd(ClientKey(clientAddress), _ => new Window());

        // Lock in a fixed order (email, then client) so two attempts never wait on each other crosswise.
        lock (emailWindow)
        {
            lock (clientWindow)
            {
                var emailWait = emailWindow.WaitIfFull(now, limits.Window, limits.MaxFailuresPerEmail);
                var clientWait = clientWindow.WaitIfFull(now, limits.Window, limits.MaxFailuresPerClient);
                retryAfter = emailWait > clientWait ? emailWait : clientWait;
                if (retryAfter > TimeSpan.Zero) return false;

                emailWindow.Failures.Enqueue(now);
                clientWindow.Failures.Enqueue(now);
                return true;
            }
        }
    }

    /// <summary>The attempt was right: forget the email's failures and take back the one counted for the client.</summary>
    public void Succeeded(string email, string? clientAddress)
    {
        if (_windows.TryGetValue(EmailKey(email), out var emailWindow))
        {
            lock (emailWindow) emailWindow.Failures.Clear();
        }
        if (_windows.TryGetValue(ClientKey(clientAddress), out var clientWindow))
        {
            lock (clientWindow)
            {
                // Dropping the newest entry is enough: only the count matters, and it was added by this attempt.
                if (clientWindow.Failures.Count > 0)
                {
                    var kept = clientWindow.Failures.ToArray()[..^1];
                    clientWindow.Failures.Clear();
                    foreach (var failure in kept) clientWindow.Failures.Enqueue(failure);
                }
            }
        }
    }

    private static string EmailKey(string email) => "email:" + UserService.NormalizeEmail(email);

    private static string ClientKey(string? clientAddress) => "client:" + (string.IsNullOrEmpty(clientAddress) ? "unknown" : clientAddress);

    private void SweepIfLarge(DateTimeOffset now, TimeSpan window)
    {
        if (_windows.Count < SweepThreshold) return;
        var last = Interlocked.Read(ref _lastSweepTicks);
        if (now.UtcTicks - last < TimeSpan.TicksPerMinute) return;
        if (Interlocked.CompareExchange(ref _lastSweepTicks, now.UtcTicks, last) != last) return;

        foreach (var (key, entry) in _windows)
        {
            lock (entry)
            {
                entry.Prune(now, window);
                if (entry.Failures.Count == 0) _windows.TryRemove(key, out _);
            }
        }
    }

    private sealed class Window
    {
        public Queue<DateTimeOffset> Failures { get; } = new();

        public void Prune(DateTimeOffset now, TimeSpan window)
        {
            while (Failures.TryPeek(out var oldest) && oldest + window <= now) Failures.Dequeue();
        }

        public TimeSpan WaitIfFull(DateTimeOffset now, TimeSpan window, int max)
        {
            Prune(now, window);
            if (Failures.Count < max) return TimeSpan.Zero;
            var wait = Failures.ElementAt(Failures.Count - max) + window - now;
            return wait > TimeSpan.Zero ? wait : TimeSpan.FromSeconds(1);
        }
    }
}
