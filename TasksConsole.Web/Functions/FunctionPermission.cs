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
    /// <summary>
    /// Null when the caller may go on to the function (or to its 404 when <paramref name="function"/> is null);
    /// otherwise the 401 or 403-style EXH answer. A missing function is judged as one that needs the permission, and
    /// the answer names the function as asked, so a caller who may not call it learns nothing about whether it exists.
    /// </summary>
    public static JsonHttpResult<ErrorBody>? Authorize(HttpContext context, string requestedName, FunctionRecord? function, string permission)
    {
        var user = context.User;
        var authenticated = user.Identity?.IsAuthenticated == true;
        return (function?.PermissionMode ?? FunctionPermissionModes.PermissionRequired) switch
        {
            FunctionPermissionModes.Public => null,
            _ when !authenticated => ApiAuthorization.Unauthenticated(context),
            FunctionPermissionModes.AllUsers => null,
            _ when user.HasPermission(permission) || user.HasPermission($"{permission}:{requestedName}") => null,
            _ => ApiErrors.Result(ErrorCode.NoPermission, $"Calling '{requestedName}' needs the {permission} permission."),
        };
    }
}
