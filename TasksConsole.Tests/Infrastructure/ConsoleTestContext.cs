using System.Security.Claims;
using Bunit;
using Bunit.TestDoubles;
using MudBlazor;
using MudBlazor.Services;
using TasksConsole.Core.Auth;
using TasksConsole.Web.Auth;

namespace TasksConsole.Tests.Infrastructure;

/// <summary>
/// bUnit with what every console component needs: MudBlazor services and loose JS interop (MudBlazor calls JS
/// that bUnit cannot run), and a signed-in user whose claims and policies are those of a role.
/// </summary>
public abstract class ConsoleTestContext : BunitContext, IAsyncLifetime
{
    protected ConsoleTestContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
    }

    /// <summary>Signs in as a user of <paramref name="role"/>: permission claims, and one policy per granted permission.</summary>
    protected BunitAuthorizationContext SignIn(Role role, string email = "user@test.local")
    {
        var auth = AddAuthorization();
        auth.SetAuthorized(email);
        // SetRoles rebuilds the principal from the name and roles alone, dropping earlier claims: it must come first.
        auth.SetRoles(role.ToString());
        var permissions = Permissions.For(role);
        auth.SetClaims([
            new Claim(TasksClaimTypes.UserId, "0123456789abcdef01234567"),
            new Claim(TasksClaimTypes.Role, role.ToString()),
            .. permissions.Select(p => new Claim(TasksClaimTypes.Permission, p)),
        ]);
        auth.SetPolicies([.. permissions]);
        return auth;
    }

    /// <summary>MudBlazor's popovers (menus, selects, pickers) render into this provider, which must come first.</summary>
    protected IRenderedComponent<MudPopoverProvider> RenderPopoverProvider() => Render<MudPopoverProvider>();

    public Task InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync() => await DisposeAsync();
}
