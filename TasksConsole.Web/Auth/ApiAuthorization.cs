using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using TasksConsole.Core.Common;
using TasksConsole.Core.Tasks;
using TasksConsole.Web.Api;

namespace TasksConsole.Web.Auth;

public static class TasksClaimTypes
{
    public const string UserId = ClaimTypes.NameIdentifier;
    public const string Permission = "permission";
    public const string ApplicationId = "application_id";
    public const string Role = ClaimTypes.Role;
}

/// <summary>
/// Per-endpoint permission checks that answer in the EXH shape (104 unauthenticated, 117/118 bad token,
/// 10 missing permission), which the SDK relies on to pick its error class and to refresh tokens.
/// </summary>
public static class ApiAuthorization
{
    /// <summary>Set by the bearer handler when a presented token was unknown or expired.</summary>
    public const string AuthErrorItem = "TasksConsole.AuthError";

    /// <remarks>
    /// The check wraps the endpoint's whole request delegate rather than sitting in an endpoint filter: filters run
    /// after parameter binding, and a caller who may not call the endpoint must get its 401 or 403 before its
    /// request body is read, parsed or validated.
    /// </remarks>
    public static TBuilder RequirePermission<TBuilder>(this TBuilder builder, string permission)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint =>
        {
            var next = endpoint.RequestDelegate
                ?? throw new InvalidOperationException($"Endpoint '{endpoint.DisplayName}' has no request delegate to guard.");
            endpoint.RequestDelegate = http => Refusal(http, permission) is { } refusal ? refusal.ExecuteAsync(http) : next(http);
        });
        builder.WithMetadata(new RequiredPermissionMetadata(permission));
        return builder;
    }

    private static JsonHttpResult<ErrorBody>? Refusal(HttpContext http, string permission)
    {
        if (http.User.Identity?.IsAuthenticated != true) return Unauthenticated(http);
        return http.User.HasPermission(permission)
            ? null
            : ApiErrors.Result(ErrorCode.NoPermission, $"This needs the {permission} permission.");
    }

    /// <summary>The 401 for a caller without a valid token: 117/118 when one was presented, else 104.</summary>
    public static JsonHttpResult<ErrorBody> Unauthenticated(HttpContext http) =>
        http.Items[AuthErrorItem] is ErrorCode tokenError
            ? ApiErrors.Result(tokenError, tokenError == ErrorCode.AccessTokenExpired
                ? "The access token has expired; refresh it."
                : "The access token is not known.")
            : ApiErrors.Result(ErrorCode.UserNotAuthenticated, "This endpoint needs a bearer token.");

    public static bool HasPermission(this ClaimsPrincipal user, string permission) =>
        user.HasClaim(TasksClaimTypes.Permission, permission);

    public static string? GetUserId(this ClaimsPrincipal user) => user.FindFirstValue(TasksClaimTypes.UserId);

    public static string? GetApplicationId(this ClaimsPrincipal user) => user.FindFirstValue(TasksClaimTypes.ApplicationId);

    /// <summary>Who is acting, as recorded on what the request creates.</summary>
    public static Caller GetCaller(this ClaimsPrincipal user) => new(user.GetUserId(), user.GetApplicationId());
}

/// <summary>Names the permission an endpoint needs, for the OpenAPI document.</summary>
public sealed record RequiredPermissionMetadata(string Permission);
