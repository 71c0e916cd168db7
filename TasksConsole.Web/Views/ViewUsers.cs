using System.Security.Claims;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Views;
using TasksConsole.Web.Auth;

namespace TasksConsole.Web.Views;

public static class ViewUsers
{
    /// <summary>The signed-in user as the saved views see them; null for a caller without a user (an API token's application).</summary>
    public static ViewUser? ToViewUser(this ClaimsPrincipal user) =>
        user.GetUserId() is { } id ? new ViewUser(id, user.Identity?.Name, user.HasPermission(Permissions.ManageUsers)) : null;
}
