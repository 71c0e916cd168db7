using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using TasksConsole.Core.Auth;
using TasksConsole.Web.Api;
using TasksConsole.Web.Auth;
using TasksConsole.Core.Common;

namespace TasksConsole.Web.Admin;

/// <summary>Long-lived API tokens for automation: created by admins, shown once, revocable.</summary>
public static class AdminTokensEndpoints
{
    public static IEndpointRouteBuilder MapAdminTokensEndpoints(this IEndpointRouteBuilder app)
    {
        var tokens = app.MapGroup("/admin/v1/tokens")
            .WithTags("Admin: API tokens")
            .RequirePermission(Permissions.ManageApiTokens);

        tokens.MapGet("", ListAsync)
            .WithName("ListApiTokens")
            .Produces<ErrorBody>(StatusCodes.Status401Unauthorized)
            .WithSummary("List API tokens")
            .WithDescription("Every API token with its owner, expiry, revocation and last use; never the token value.");
        tokens.MapPost("", CreateAsync)
            .WithName("CreateApiToken")
            .Produces<ErrorBody>(StatusCodes.Status401Unauthorized)
            .WithSummary("Create an API token")
            .WithDescription("Returns the token value once; only its hash is stored. userId defaults to the caller. Without " +
                             "expiresTimestamp the token expires after Auth:ApiTokenDefaultLifetime (90 days); `\"expiresTimestamp\": null` asks for one that never does.")
            .Produces<ErrorBody>(StatusCodes.Status400BadRequest)
            .Produces<ErrorBody>(StatusCodes.Status404NotFound);
        tokens.MapDelete("/{id}", RevokeAsync)
            .WithName("RevokeApiToken")
            .Produces<ErrorBody>(StatusCodes.Status401Unauthorized)
            .WithSummary("Revoke an API token")
            .WithDescription("Takes effect on the next request. affectedRecords is 0 when it was already revoked.")
            .Produces<ErrorBody>(StatusCodes.Status400BadRequest)
            .Produces<ErrorBody>(StatusCodes.Status404NotFound);
        return app;
    }

    internal static async Task<Ok<AdminList<ApiTokenResponse>>> ListAsync(ApiTokenService tokens, CancellationToken cancellationToken)
    {
        var list = await tokens.ListAsync(cancellationToken);
        return TypedResults.Ok(new AdminList<ApiTokenResponse>(list.Select(ApiTokenResponse.From).ToList()));
    }

    internal static async Task<Ok<CreatedApiTokenResponse>> CreateAsync(
        CreateApiTokenRequest request, ClaimsPrincipal caller, ApiTokenService tokens, TimeProvider clock, IOptions<AuthOptions> options,
        CancellationToken cancellationToken)
    {
        var userId = request.UserId ?? caller.GetUserId()!;
        var expires = request.ExpiryFrom(clock.GetUtcNow(), options.Value.ApiTokenDefaultLifetime);
        var created = await tokens.CreateAsync(request.Name, userId, expires, caller.GetUserId(), cancellationToken);
        var info = created.Info;
        return TypedResults.Ok(new CreatedApiTokenResponse(info.Id, info.Name, info.UserId, created.Token, info.CreationTimestamp, info.ExpiresTimestamp));
    }

    internal static async Task<Ok<AffectedRecordsResponse>> RevokeAsync(string id, ApiTokenService tokens, CancellationToken cancellationToken)
    {
        if (!ObjectId.IsValid(id)) throw new ServiceException(ErrorCode.IdFormat, "The token id must be a 24-character hex id.");
        var affected = await tokens.RevokeAsync(id, cancellationToken);
        return TypedResults.Ok(new AffectedRecordsResponse(affected));
    }
}
