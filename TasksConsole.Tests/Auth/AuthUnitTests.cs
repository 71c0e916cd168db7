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
