using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TasksConsole.Core.Auth;

namespace TasksConsole.Tests.Auth;

public sealed class FailedSignInLimiterTests : IDisposable
{
    private const string ClientA = "203.0.113.1";
    private const string ClientB = "203.0.113.2";

    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly List<FailedSignInLimiter> _limiters = [];

    public void Dispose()
    {
        foreach (var limiter in _limiters) limiter.Dispose();
    }

    [Fact]
    public void AfterFiveFailures_ThatClientWaits_WhileAnotherClientMayStillTryTheAccount()
    {
        var limiter = CreateLimiter();
        for (var i = 0; i < 5; i++) Assert.True(limiter.TryStart("admin@localhost", ClientA, out _));

        Assert.False(limiter.TryStart("ADMIN@localhost", ClientA, out var retryAfter));
        Assert.Equal(TimeSpan.FromMinutes(1), retryAfter);
        Assert.True(limiter.TryStart("admin@localhost", ClientB, out _));
    }

    [Fact]
    public void TheWait_DoublesWithEveryFurtherFailure_UpToTheCap()
    {
        var limiter = CreateLimiter();
        for (var i = 0; i < 5; i++) Assert.True(limiter.TryStart("a@x.test", ClientA, out _));

        var waits = new List<TimeSpan>();
        for (var i = 0; i < 6; i++)
        {
            Assert.False(limiter.TryStart("a@x.test", ClientA, out var wait));
            waits.Add(wait);
            _clock.Advance(wait - TimeSpan.FromSeconds(1));
            Assert.False(limiter.TryStart("a@x.test", ClientA, out _));
            _clock.Advance(TimeSpan.FromSeconds(1));
            Assert.True(limiter.TryStart("a@x.test", ClientA, out _));
        }

        Assert.Equal([1, 2, 4, 8, 15, 15], waits.Select(w => w.TotalMinutes));
    }

    [Fact]
    public void AClientsRunOfFailures_IsForgottenAfterAQuietWindow()
    {
        var limiter = CreateLimiter();
        for (var i = 0; i < 4; i++) Assert.True(limiter.TryStart("a@x.test", ClientA, out _));

        _clock.Advance(TimeSpan.FromMinutes(5));

        for (var i = 0; i < 5; i++) Assert.True(limiter.TryStart("a@x.test", ClientA, out _));
        Assert.False(limiter.TryStart("a@x.test", ClientA, out _));
    }

    [Fact]
    public void TheAccountCeiling_StopsAGuessSpreadOverManyClients()
    {
        var limiter = CreateLimiter(limits => limits with { MaxFailuresPerAccount = 10 });
        for (var i = 0; i < 10; i++) Assert.True(limiter.TryStart("admin@localhost", $"10.0.0.{i}", out _));

        Assert.False(limiter.TryStart("admin@localhost", "10.0.1.1", out var retryAfter));
        Assert.Equal(TimeSpan.FromMinutes(15), retryAfter);
        Assert.True(limiter.TryStart("other@localhost", "10.0.1.1", out _));

        _clock.Advance(TimeSpan.FromMinutes(15));

        Assert.True(limiter.TryStart("admin@localhost", "10.0.1.1", out _));
    }

    [Fact]
    public void TheClientLimit_AppliesAcrossEmails()
    {
        var limiter = CreateLimiter(limits => limits with { MaxFailuresPerClient = 3 });
        for (var i = 0; i < 3; i++) Assert.True(limiter.TryStart($"user{i}@x.test", ClientA, out _));

        Assert.False(limiter.TryStart("other@x.test", ClientA, out _));
        Assert.True(limiter.TryStart("other@x.test", ClientB, out _));
    }

    [Fact]
    public void ASuccess_ForgetsThisClientsRun_AndWithdrawsOnlyItsOwnAttemptFromTheClient()
    {
        var limiter = CreateLimiter(limits => limits with { MaxFailuresPerClient = 7 });
        for (var i = 0; i < 4; i++) Assert.True(limiter.TryStart("a@x.test", ClientA, out _));
        Assert.True(limiter.TryStart("b@x.test", ClientA, out _));
        Assert.True(limiter.TryStart("a@x.test", ClientA, out _));
        limiter.Succeeded("a@x.test", ClientA);

        // The run for a started over (a sixth failure in a row would have to wait); the client keeps its five earlier
        // failures, so two more reach its limit of seven.
        Assert.True(limiter.TryStart("a@x.test", ClientA, out _));
        Assert.True(limiter.TryStart("a@x.test", ClientA, out _));
        Assert.False(limiter.TryStart("c@x.test", ClientA, out _));
    }

    [Fact]
    public void TensOfThousandsOfDistinctEmails_NeverGrowTheTablePastItsCap()
    {
        var limiter = CreateLimiter(limits => limits with { MaxEntries = 5_000 });
        var largest = 0;
        for (var i = 0; i < 30_000; i++)
        {
            limiter.TryStart($"guess{i}@x.test", $"10.{i / 65536 % 256}.{i / 256 % 256}.{i % 256}", out _);
            largest = Math.Max(largest, limiter.EntryCount);
        }

        Assert.InRange(largest, 4_500, 5_000);
    }

    [Fact]
    public void AHugeEmail_TakesOneFixedSizeEntryPerCounter()
    {
        var limiter = CreateLimiter();
        var huge = new string('a', 4 * 1024 * 1024) + "@x.test";

        Assert.True(limiter.TryStart(huge, ClientA, out _));

        Assert.Equal(3, limiter.EntryCount);
    }

    [Fact]
    public void WhenTheTableIsFull_ExpiredEntriesGoFirst_AndALiveThrottleSurvives()
    {
        var limiter = CreateLimiter(limits => limits with { MaxEntries = 300, MaxFailuresPerClient = 1_000, SweepInterval = TimeSpan.FromDays(1) });
        for (var i = 0; i < 90; i++) Assert.True(limiter.TryStart($"stale{i}@x.test", $"10.0.0.{i}", out _));
        _clock.Advance(TimeSpan.FromMinutes(16));
        for (var i = 0; i < 5; i++) Assert.True(limiter.TryStart("admin@localhost", ClientA, out _));

        var largest = 0;
        for (var i = 0; i < 90; i++)
        {
            Assert.True(limiter.TryStart($"fresh{i}@x.test", $"10.0.1.{i}", out _));
            largest = Math.Max(largest, limiter.EntryCount);
        }

        // Exactly the 270 expired entries went: the admin's 3 and the fresh 270 are all still there.
        Assert.InRange(largest, 1, 300);
        Assert.Equal(273, limiter.EntryCount);
        Assert.False(limiter.TryStart("admin@localhost", ClientA, out _));
    }

    [Fact]
    public void TheSweepTimer_DropsExpiredEntries_WithoutFurtherSignIns()
    {
        var limiter = CreateLimiter();
        for (var i = 0; i < 100; i++) limiter.TryStart($"user{i}@x.test", $"10.0.0.{i}", out _);
        Assert.Equal(300, limiter.EntryCount);

        // Past the 5 minute client window only the 15 minute account windows remain.
        for (var minute = 0; minute < 6; minute++) _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(100, limiter.EntryCount);
        for (var minute = 6; minute < 16; minute++) _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(0, limiter.EntryCount);
    }

    [Fact]
    public void ADisposedLimiter_NoLongerSweeps()
    {
        var limiter = CreateLimiter();
        limiter.TryStart("a@x.test", ClientA, out _);
        limiter.Dispose();

        for (var minute = 0; minute < 16; minute++) _clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(3, limiter.EntryCount);
    }

    private FailedSignInLimiter CreateLimiter(Func<SignInLimitOptions, SignInLimitOptions>? configure = null)
    {
        var limits = new SignInLimitOptions();
        var limiter = new FailedSignInLimiter(_clock, Options.Create(new AuthOptions { SignInLimit = configure?.Invoke(limits) ?? limits }));
        _limiters.Add(limiter);
        return limiter;
    }
}
