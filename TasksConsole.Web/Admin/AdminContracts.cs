using System.Text.Json;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Common;
using TasksConsole.Web.Api;

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

/// <summary>Request body of <c>POST /admin/v1/tokens</c>; <c>userId</c> defaults to the caller.</summary>
public sealed record CreateApiTokenRequest : IJsonRequest<CreateApiTokenRequest>
{
    public required string Name { get; init; }
    public string? UserId { get; init; }
    public DateTimeOffset? ExpiresTimestamp { get; init; }

    /// <summary>Whether <c>expiresTimestamp</c> was given at all: absent takes the default lifetime, null means never.</summary>
    public bool ExpiryGiven { get; init; }

    public static CreateApiTokenRequest Read(JsonElement body) => new()
    {
        Name = JsonBody.RequiredString(body, "name", ApiTokenService.MaxNameLength),
        UserId = CheckedUserId(JsonBody.OptionalString(body, "userId", 64)),
        ExpiresTimestamp = JsonBody.OptionalInstant(body, "expiresTimestamp"),
        ExpiryGiven = body.TryGetProperty("expiresTimestamp", out _),
    };

    /// <summary>The expiry to store: as given (null for never), or <paramref name="defaultLifetime"/> from now when not given.</summary>
    public DateTimeOffset? ExpiryFrom(DateTimeOffset now, TimeSpan defaultLifetime) => ExpiryGiven ? ExpiresTimestamp : now + defaultLifetime;

    private static string? CheckedUserId(string? userId) =>
        userId is null || ObjectId.IsValid(userId)
            ? userId
            : throw new ServiceException(ErrorCode.IdFormat, "userId must be a 24-character hex id.");
}

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
public sealed record CreateUserRequest : IJsonRequest<CreateUserRequest>
{
    public required string Email { get; init; }
    public required string Password { get; init; }
    public required string Role { get; init; }

    public static CreateUserRequest Read(JsonElement body) => new()
    {
        Email = JsonBody.RequiredString(body, "email", UserService.MaxEmailLength),
        Password = JsonBody.RequiredString(body, "password", UserService.MaxPasswordLength),
        Role = RoleNames.Checked(JsonBody.RequiredString(body, "role", 32), "role"),
    };
}

/// <summary>Request body of <c>PUT /admin/v1/users/{id}</c>; absent fields are left unchanged.</summary>
public sealed record UpdateUserRequest : IJsonRequest<UpdateUserRequest>
{
    public string? Role { get; init; }
    public bool? Disabled { get; init; }
    public string? Password { get; init; }

    public static UpdateUserRequest Read(JsonElement body) => new()
    {
        Role = JsonBody.OptionalString(body, "role", 32) is { } role ? RoleNames.Checked(role, "role") : null,
        Disabled = JsonBody.OptionalBoolean(body, "disabled"),
        Password = JsonBody.OptionalString(body, "password", UserService.MaxPasswordLength),
    };

    public UserChanges ToChanges() => new(Role is null ? null : RoleNames.Parse(Role, "role"), Disabled, Password);
}

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

    /// <summary>The role's wire name, once <paramref name="value"/> is known to name one (in any case).</summary>
    public static string Checked(string value, string field) => Format(Parse(value, field));
}
