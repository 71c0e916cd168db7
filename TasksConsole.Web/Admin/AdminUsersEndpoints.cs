using Microsoft.AspNetCore.Http.HttpResults;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Common;
using TasksConsole.Web.Api;
using TasksConsole.Web.Auth;

namespace TasksConsole.Web.Admin;

/// <summary>Console users and their roles.</summary>
public static class AdminUsersEndpoints
{
    public static IEndpointRouteBuilder MapAdminUsersEndpoints(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup("/admin/v1/users")
            .WithTags("Admin: users")
            .RequirePermission(Permissions.ManageUsers);

        users.MapGet("", ListAsync)
            .WithName("ListUsers")
            .Produces<ErrorBody>(StatusCodes.Status401Unauthorized)
            .WithSummary("List users");
        users.MapPost("", CreateAsync)
            .WithName("CreateUser")
            .Produces<ErrorBody>(StatusCodes.Status401Unauthorized)
            .WithSummary("Create a user")
            .WithDescription("role is viewer, operator or admin. A duplicate email answers code 17.")
            .Produces<ErrorBody>(StatusCodes.Status400BadRequest);
        users.MapPut("/{id}", UpdateAsync)
            .WithName("UpdateUser")
            .Produces<ErrorBody>(StatusCodes.Status401Unauthorized)
            .WithSummary("Change a user's role, disable or enable them, or reset their password")
            .WithDescription(
                "Absent fields stay as they are. Disabling or a new password ends the user's console sessions and " +
                "revokes their OAuth tokens. The last enabled admin cannot be demoted or disabled (code 27).")
            .Produces<ErrorBody>(StatusCodes.Status400BadRequest)
            .Produces<ErrorBody>(StatusCodes.Status404NotFound);
        return app;
    }

    internal static async Task<Ok<AdminList<UserResponse>>> ListAsync(UserService users, CancellationToken cancellationToken)
    {
        var list = await users.ListAsync(cancellationToken);
        return TypedResults.Ok(new AdminList<UserResponse>(list.Select(UserResponse.From).ToList()));
    }

    internal static async Task<Ok<UserResponse>> CreateAsync(CreateUserRequest request, UserService users, CancellationToken cancellationToken)
    {
        var user = await users.CreateAsync(request.Email, request.Password, RoleNames.Parse(request.Role, "role"), cancellationToken);
        return TypedResults.Ok(UserResponse.From(user));
    }

    internal static async Task<Ok<UserResponse>> UpdateAsync(string id, UpdateUserRequest request, UserService users, CancellationToken cancellationToken)
    {
        if (!ObjectId.IsValid(id)) throw new ServiceException(ErrorCode.IdFormat, "The user id must be a 24-character hex id.");
        var user = await users.UpdateAsync(id, request.ToChanges(), cancellationToken);
        return TypedResults.Ok(UserResponse.From(user));
    }
}
