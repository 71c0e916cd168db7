using TasksConsole.Core.Auth;
using TasksConsole.Core.Common;

namespace TasksConsole.Web.Admin;

public sealed record AdminList<T>(IReadOnlyList<T> Data);

public sealed record ApiTokenResponse(
    string Id,
    string Name,
    string UserId,
    string? UserEmail,
    string? CreatedByUserId,
    DateTimeOffset CreationTimestamp,
    DateTimeOffset? ExpiresTimestamp,
    DateTimeOffset? RevokedTimestamp,
    DateTimeOffset? LastUsedTimestamp)
{
    public static ApiTokenResponse From(ApiTokenInfo token) => new(token.Id, token.Name, token.UserId, token.UserEmail,
        token.CreatedByUserId, token.CreationTimestamp, token.ExpiresTimestamp, token.RevokedTimestamp, token.LastUsedTimestamp);
}

/// <summary>Carries the secret; the only response that ever does.</summary>
public sealed record CreatedApiTokenResponse(
    string Id,
    string Name,
    string UserId,
    string Token,
    DateTimeOffset CreationTimestamp,
    DateTimeOffset? ExpiresTimestamp);

/// <summary>Request body of <c>POST /admin/v1/tokens</c>; for the OpenAPI document (the body is read by hand).</summary>
public sealed record CreateApiTokenRequest(string Name, string? UserId, DateTimeOffset? ExpiresTimestamp);

public sealed record UserResponse(
    string Id,
    string Email,
    string Role,
    bool Disabled,
    DateTimeOffset CreationTimestamp,
    DateTimeOffset UpdateTimestamp,
    DateTimeOffset? LastSignInTimestamp)
{
    public static UserResponse From(UserInfo user) => new(user.Id, user.Email, RoleNames.Format(user.Role), user.Disabled,
        user.CreationTimestamp, user.UpdateTimestamp, user.LastSignInTimestamp);
}

/// <summary>Request body of <c>POST /admin/v1/users</c>; role is viewer, operator or admin.</summary>
public sealed record CreateUserRequest(string Email, string Password, string Role);

/// <summary>Request body of <c>PUT /admin/v1/users/{id}</c>; absent fields are left unchanged.</summary>
public sealed record UpdateUserRequest(string? Role, bool? Disabled, string? Password);

/// <summary>Roles on the wire are lower-case names, like the rest of the API's enums.</summary>
public static class RoleNames
{
    public static string Format(Role role) => role.ToString().ToLowerInvariant();

    public static Role Parse(string value, string field)
    {
        foreach (var role in Enum.GetValues<Role>())
        {
            if (string.Equals(Format(role), value, StringComparison.OrdinalIgnoreCase)) return role;
        }
        throw new ServiceException(ErrorCode.FieldFormat,
            $"Field '{field}' must be one of {string.Join(", ", Enum.GetValues<Role>().Select(Format))}.");
    }
}
