using Microsoft.AspNetCore.Http.HttpResults;
using TasksConsole.Core.Common;
using TasksConsole.Core.Functions;
using TasksConsole.Web.Api;
using TasksConsole.Web.Auth;

namespace TasksConsole.Web.Functions;

/// <summary>
/// Who may call a function, by its <c>executionOptions.permissionMode</c>: <c>public</c> anyone, <c>allUsers</c> any
/// signed-in caller, <c>permissionRequired</c> a caller holding the given permission for all functions or
/// <c>{permission}:{name}</c> for this one. Shared by direct execution and API functions, which differ only in the
/// permission's name.
/// </summary>
public static class FunctionPermission
{
    /// <summary>Null when the caller may go on; otherwise the 401 or 403-style EXH answer.</summary>
    public static JsonHttpResult<ErrorBody>? Authorize(HttpContext context, FunctionRecord function, string permission)
    {
        var user = context.User;
        var authenticated = user.Identity?.IsAuthenticated == true;
        return function.PermissionMode switch
        {
            FunctionPermissionModes.Public => null,
            _ when !authenticated => ApiAuthorization.Unauthenticated(context),
            FunctionPermissionModes.AllUsers => null,
            _ when user.HasPermission(permission) || user.HasPermission($"{permission}:{function.Name}") => null,
            _ => ApiErrors.Result(ErrorCode.NoPermission, $"Calling '{function.Name}' needs the {permission} permission."),
        };
    }
}
