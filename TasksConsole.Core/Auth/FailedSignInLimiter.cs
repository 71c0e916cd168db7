using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace TasksConsole.Core.Auth;

/// <summary>
/// Limits password sign-ins, in memory (per node), with three counters:
/// <list type="bullet">
/// <item>per account and client address: after a few failures that client waits, the wait doubling with every
/// further failure up to a cap; the account stays open to every other client, so one attacker cannot lock the
/// admin out;</item>
/// <item>per account across all clients: a much higher ceiling over a longer window, which still stops a guess
/// spread over many addresses;</item>
/// <item>per client address across accounts: stops one client from trying many accounts.</item>
/// </list>
/// An attempt is counted as a failure when it starts and withdrawn if it succeeds, so a burst of parallel guesses
/// cannot all slip in before the first failure is recorded. Entries are keyed by SHA-256 hashes, so a key costs the
/// same whatever was typed; the table holds at most <see cref="SignInLimitOptions.MaxEntries"/> entries and a timer
/// drops expired ones.
/// </summary>
public sealed class FailedSignInLimiter : IDisposable
{
    private readonly TimeProvider _clock;
    private readonly IOptions<AuthOptions> _options;

    // One lock for the whole table: every attempt also costs a PBKDF2 hash (milliseconds), next to which the lock is
    // nothing, and it keeps the check-and-record across three counters atomic and the eviction simple.
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ITimer _sweepTimer;

    public FailedSignInLimiter(TimeProvider clock, IOptions<AuthOptions> options)
    {
        _clock = clock;
        _options = options;
        var interval = options.Value.SignInLimit.SweepInterval;
        _sweepTimer = clock.CreateTimer(_ => SweepExpired(), null, interval, interval);
    }

    /// <summary>How many entries the table holds, for tests that check it stays bounded.</summary>
    internal int EntryCount
    {
        get
        {
            lock (_gate) return _entries.Count;
        }
    }

    /// <summary>
    /// Starts an attempt. False when a limit is reached, with how long until this client may try this account again.
    /// A refused attempt is not counted: it never reaches the password check.
    /// </summary>
    public bool TryStart(string email, string? clientAddress, out TimeSpan retryAfter)
    {
        var limits = _options.Value.SignInLimit;
        var keys = new Keys(email, clientAddress);
        var now = _clock.GetUtcNow();
        lock (_gate)
        {
            var pairWait = Live(keys.Pair, now)?.BackoffWait(now, limits) ?? TimeSpan.Zero;
            var accountWait = Live(keys.Account, now)?.SlidingWait(now, limits.AccountWindow, limits.MaxFailuresPerAccount) ?? TimeSpan.Zero;
            var clientWait = Live(keys.Client, now)?.SlidingWait(now, limits.Window, limits.MaxFailuresPerClient) ?? TimeSpan.Zero;
            retryAfter = Max(pairWait, Max(accountWait, clientWait));
            if (retryAfter > TimeSpan.Zero) return false;

            MakeRoom(now, needed: 3);
            GetOrAdd(keys.Pair).RecordStreak(now, limits);
            GetOrAdd(keys.Account).RecordSliding(now, limits.AccountWindow);
            GetOrAdd(keys.Client).RecordSliding(now, limits.Window);
            return true;
        }
    }

    /// <summary>
    /// The attempt was right: forget this client's failures for the account, and take back the one counted for the
    /// account and the client. Earlier failures against the account from elsewhere still count toward its ceiling.
    /// </summary>
    public void Succeeded(string email, string? clientAddress)
    {
        var limits = _options.Value.SignInLimit;
        var keys = new Keys(email, clientAddress);
        lock (_gate)
        {
            _entries.Remove(keys.Pair);
            Withdraw(keys.Account, limits.AccountWindow);
            Withdraw(keys.Client, limits.Window);
        }
    }

    public void Dispose() => _sweepTimer.Dispose();

    /// <summary>Drops every entry whose failures have all aged out; the timer calls it every <see cref="SignInLimitOptions.SweepInterval"/>.</summary>
    internal void SweepExpired()
    {
        var now = _clock.GetUtcNow();
        lock (_gate) RemoveExpired(now);
    }

    private Entry? Live(string key, DateTimeOffset now)
    {
        if (!_entries.TryGetValue(key, out var entry)) return null;
        if (entry.ExpiresAt > now) return entry;
        _entries.Remove(key);
        return null;
    }

    private Entry GetOrAdd(string key)
    {
        if (!_entries.TryGetValue(key, out var entry))
        {
            entry = new Entry();
            _entries.Add(key, entry);
        }
        return entry;
    }

    private void Withdraw(string key, TimeSpan window)
    {
        if (!_entries.TryGetValue(key, out var entry)) return;
        entry.WithdrawNewest(window);
        if (entry.Failures.Count == 0) _entries.Remove(key);
    }

    /// <summary>
    /// Keeps the table under its cap before up to <paramref name="needed"/> entries are added: expired entries go
    /// first; if that is not enough, those closest to expiring go too, down to nine tenths of the cap, so a table
    /// full of live entries is not scanned again on every attempt. Filling it needs thousands of client addresses,
    /// because each one is itself limited.
    /// </summary>
    private void MakeRoom(DateTimeOffset now, int needed)
    {
        var cap = _options.Value.SignInLimit.MaxEntries;
        if (_entries.Count + needed <= cap) return;

        RemoveExpired(now);
        var target = Math.Min(cap - needed, cap * 9 / 10);
        if (_entries.Count <= target) return;

        var soonest = _entries.OrderBy(e => e.Value.ExpiresAt).Take(_entries.Count - target).Select(e => e.Key).ToList();
        foreach (var key in soonest) _entries.Remove(key);
    }

    private void RemoveExpired(DateTimeOffset now)
    {
        foreach (var (key, entry) in _entries)
        {
            // Removing during enumeration is allowed for Dictionary since .NET Core 3.0.
            if (entry.ExpiresAt <= now) _entries.Remove(key);
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>
    /// The three table keys of an attempt, each a SHA-256 hash: whatever the caller sends, a key is a few dozen
    /// characters, and the table never holds an email address in clear.
    /// </summary>
    private readonly struct Keys
    {
        public Keys(string email, string? clientAddress)
        {
            var normalized = UserService.NormalizeEmail(email);
            var client = string.IsNullOrEmpty(clientAddress) ? "unknown" : clientAddress;
            Account = Hash("account\n" + normalized);
            Client = Hash("client\n" + client);
            Pair = Hash("pair\n" + client + "\n" + normalized);
        }

        public string Account { get; }

        public string Client { get; }

        public string Pair { get; }

        private static string Hash(string text) => Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    private sealed class Entry
    {
        /// <summary>Sliding-window counters: when each counted failure happened, oldest first.</summary>
        public Queue<DateTimeOffset> Failures { get; } = new();

        /// <summary>Account-and-client counter: failures in a row, and when the last one happened.</summary>
        private int _streak;
        private DateTimeOffset _lastFailure;

        /// <summary>When the entry no longer affects anything and may be dropped.</summary>
        public DateTimeOffset ExpiresAt { get; private set; }

        public TimeSpan SlidingWait(DateTimeOffset now, TimeSpan window, int max)
        {
            while (Failures.TryPeek(out var oldest) && oldest + window <= now) Failures.Dequeue();
            if (Failures.Count < max) return TimeSpan.Zero;
            var wait = Failures.ElementAt(Failures.Count - max) + window - now;
            return wait > TimeSpan.Zero ? wait : TimeSpan.FromSeconds(1);
        }

        public void RecordSliding(DateTimeOffset now, TimeSpan window)
        {
            Failures.Enqueue(now);
            ExpiresAt = now + window;
        }

        public void WithdrawNewest(TimeSpan window)
        {
            // Only the count matters, and the newest entry was added by the attempt that succeeded.
            if (Failures.Count == 0) return;
            var kept = Failures.ToArray()[..^1];
            Failures.Clear();
            foreach (var failure in kept) Failures.Enqueue(failure);
            if (kept.Length > 0) ExpiresAt = kept[^1] + window;
        }

        public TimeSpan BackoffWait(DateTimeOffset now, SignInLimitOptions limits)
        {
            var wait = _lastFailure + Delay(_streak, limits) - now;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        public void RecordStreak(DateTimeOffset now, SignInLimitOptions limits)
        {
            _streak++;
            _lastFailure = now;
            // Remembered for a quiet Window after the wait ends, so a client cannot reset its doubling by waiting it out.
            ExpiresAt = now + Delay(_streak, limits) + limits.Window;
        }

        /// <summary>No wait below the threshold; then FirstDelay, doubling with each further failure, up to MaxDelay.</summary>
        private static TimeSpan Delay(int streak, SignInLimitOptions limits)
        {
            var beyond = streak - limits.MaxFailuresPerAccountAndClient;
            if (beyond < 0) return TimeSpan.Zero;
            var ticks = limits.FirstDelay.Ticks * Math.Pow(2, Math.Min(beyond, 40));
            return ticks >= limits.MaxDelay.Ticks ? limits.MaxDelay : TimeSpan.FromTicks((long)ticks);
        }
    }
}
