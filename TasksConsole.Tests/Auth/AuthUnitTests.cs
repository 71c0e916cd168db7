using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TasksConsole.Core.Auth;
using TasksConsole.Web.Auth;

namespace TasksConsole.Tests.Auth;

public class AuthPrincipalsTests
{
    [Fact]
    public void ACookiePrincipal_CarriesTheSamePermissionClaimsAsABearerPrincipal()
    {
        var session = new UserSession("0123456789abcdef01234567", "op@test.local", Role.Operator, Disabled: false, "stamp");
        var token = new TokenPrincipal("aaaaaaaaaaaaaaaaaaaaaaaa", TokenKind.Access, session.Id, session.Email, Role.Operator, "sdk", null);

        var cookie = AuthPrincipals.ForSession(session);
        var bearer = AuthPrincipals.ForToken(token);

        foreach (var principal in new[] { cookie, bearer })
        {
            Assert.Equal("op@test.local", principal.Identity?.Name);
            Assert.Equal(session.Id, principal.GetUserId());
            Assert.True(principal.IsInRole(nameof(Role.Operator)));
            Assert.True(principal.HasPermission(Permissions.CreateTasks));
            Assert.False(principal.HasPermission(Permissions.ManageUsers));
        }
        Assert.Equal("sdk", bearer.GetApplicationId());
        Assert.Null(cookie.GetApplicationId());
    }
}

public class LocalUrlTests
{
    [Theory]
    [InlineData("/", "/")]
    [InlineData("/tasks?tag=a#top", "/tasks?tag=a#top")]
    [InlineData(null, "/")]
    [InlineData("", "/")]
    [InlineData("tasks", "/")]
    [InlineData("https://evil.example", "/")]
    [InlineData("//evil.example", "/")]
    [InlineData("/\\evil.example", "/")]
    [InlineData("/\t/evil.example", "/")]
    [InlineData("/login", "/")]
    [InlineData("/Login/?returnUrl=/x", "/")]
    [InlineData("/account/logout", "/")]
    [InlineData("/logins-report", "/logins-report")]
    public void OrRoot_KeepsOnlyLocalPathsOutsideTheSignInFlow(string? url, string expected)
    {
        Assert.Equal(expected, LocalUrl.OrRoot(url));
    }
}

public class FailedSignInLimiterTests
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    private FailedSignInLimiter CreateLimiter(int perEmail = 5, int perClient = 20) => new(_clock, Options.Create(new AuthOptions
    {
        SignInLimit = new SignInLimitOptions { MaxFailuresPerEmail = perEmail, MaxFailuresPerClient = perClient, Window = TimeSpan.FromMinutes(5) },
    }));

    [Fact]
    public void TheEmailLimit_AppliesAcrossClientAddresses()
    {
        var limiter = CreateLimiter();
        for (var i = 0; i < 5; i++) Assert.True(limiter.TryStart("A@x.test", $"10.0.0.{i}", out _));

        Assert.False(limiter.TryStart("a@x.test", "10.0.0.99", out var retryAfter));
        Assert.Equal(TimeSpan.FromMinutes(5), retryAfter);
    }

    [Fact]
    public void TheClientLimit_AppliesAcrossEmails()
    {
        var limiter = CreateLimiter(perClient: 3);
        for (var i = 0; i < 3; i++) Assert.True(limiter.TryStart($"user{i}@x.test", "10.0.0.1", out _));

        Assert.False(limiter.TryStart("other@x.test", "10.0.0.1", out _));
        Assert.True(limiter.TryStart("other@x.test", "10.0.0.2", out _));
    }

    [Fact]
    public void TheWindowSlides()
    {
        var limiter = CreateLimiter(perEmail: 2);
        Assert.True(limiter.TryStart("a@x.test", null, out _));
        _clock.Advance(TimeSpan.FromMinutes(3));
        Assert.True(limiter.TryStart("a@x.test", null, out _));
        Assert.False(limiter.TryStart("a@x.test", null, out var retryAfter));
        Assert.Equal(TimeSpan.FromMinutes(2), retryAfter);

        _clock.Advance(TimeSpan.FromMinutes(2));

        Assert.True(limiter.TryStart("a@x.test", null, out _));
    }

    [Fact]
    public void ASuccess_ClearsTheEmail_AndWithdrawsOnlyItsOwnAttemptFromTheClient()
    {
        var limiter = CreateLimiter(perEmail: 2, perClient: 3);
        Assert.True(limiter.TryStart("a@x.test", "10.0.0.1", out _));
        Assert.True(limiter.TryStart("b@x.test", "10.0.0.1", out _));
        Assert.True(limiter.TryStart("a@x.test", "10.0.0.1", out _));
        limiter.Succeeded("a@x.test", "10.0.0.1");

        Assert.True(limiter.TryStart("a@x.test", "10.0.0.1", out _));
        Assert.False(limiter.TryStart("c@x.test", "10.0.0.1", out _));
    }
}
