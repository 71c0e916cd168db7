using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Common;
using TasksConsole.Core.Views;
using TasksConsole.Web.Api;
using TasksConsole.Web.Auth;

namespace TasksConsole.Web.Views;

/// <summary>
/// Saved views of the tasks page over REST (beyond EXH): the caller's own and the shared ones, save one, pin it,
/// delete it. A view is the console's query string of the tasks page (<c>status=failed&amp;fn=resize</c>).
/// </summary>
public static class SavedViewEndpoints
{
    public static WebApplication MapSavedViewEndpoints(this WebApplication app)
    {
        var views = app.MapGroup("/tasks/v1/views").WithTags("Saved views").RequirePermission(Permissions.ViewTasks);
        views.MapGet("/", ListAsync)
            .WithSummary("The caller's saved views and the shared ones, by name (beyond EXH)");
        views.MapPost("/", CreateAsync)
            .WithSummary("Save a view (beyond EXH)")
            .WithDescription("Body `{name, query, shared?, pinned?}`: `query` is the tasks page's query string. Needs a user (not an application).");
        views.MapPost("/{id}/pin", (string id, ClaimsPrincipal user, SavedViews saved, CancellationToken ct) => PinAsync(id, true, user, saved, ct))
            .WithSummary("Pin one of the caller's views to the dashboard (beyond EXH)");
        views.MapPost("/{id}/unpin", (string id, ClaimsPrincipal user, SavedViews saved, CancellationToken ct) => PinAsync(id, false, user, saved, ct))
            .WithSummary("Unpin one of the caller's views (beyond EXH)");
        views.MapDelete("/{id}", DeleteAsync)
            .WithSummary("Delete one of the caller's views; admins may delete any shared one (beyond EXH)");
        return app;
    }

    private static async Task<Ok<SavedViewListResponse>> ListAsync(ClaimsPrincipal user, SavedViews saved, CancellationToken cancellationToken) =>
        TypedResults.Ok(new SavedViewListResponse(
            user.ToViewUser() is { } viewer ? (await saved.ListAsync(viewer, cancellationToken)).Select(SavedViewResponse.From).ToList() : []));

    private static async Task<Ok<SavedViewResponse>> CreateAsync(
        SavedViewRequest body, ClaimsPrincipal user, SavedViews saved, CancellationToken cancellationToken)
    {
        var view = await saved.CreateAsync(Viewer(user), body.Name, body.Query, body.Shared, body.Pinned, cancellationToken);
        return TypedResults.Ok(SavedViewResponse.From(view));
    }

    private static async Task<Ok<SavedViewResponse>> PinAsync(string id, bool pinned, ClaimsPrincipal user, SavedViews saved, CancellationToken cancellationToken) =>
        TypedResults.Ok(SavedViewResponse.From(await saved.SetPinnedAsync(Viewer(user), id, pinned, cancellationToken)));

    private static async Task<Ok<AffectedRecordsResponse>> DeleteAsync(string id, ClaimsPrincipal user, SavedViews saved, CancellationToken cancellationToken)
    {
        await saved.DeleteAsync(Viewer(user), id, cancellationToken);
        return TypedResults.Ok(new AffectedRecordsResponse(1));
    }

    private static ViewUser Viewer(ClaimsPrincipal user) =>
        user.ToViewUser() ?? throw new ServiceException(ErrorCode.NoPermission, "Saved views belong to users: sign in as one, not as an application.");
}

public sealed record SavedViewRequest(string Name, string Query, bool Shared, bool Pinned) : IJsonRequest<SavedViewRequest>
{
    public static SavedViewRequest Read(JsonElement body) => new(
        JsonBody.RequiredString(body, "name", SavedViewRecord.MaxNameLength),
        JsonBody.RequiredString(body, "query", SavedViewRecord.MaxQueryLength),
        JsonBody.OptionalBoolean(body, "shared") ?? false,
        JsonBody.OptionalBoolean(body, "pinned") ?? false);
}

public sealed record SavedViewResponse(
    string Id, string Name, string Query, string OwnerUserId, string? OwnerName, bool Shared, bool Pinned, DateTimeOffset CreationTimestamp)
{
    public static SavedViewResponse From(SavedViewRecord view) =>
        new(view.Id, view.Name, view.Query, view.OwnerUserId, view.OwnerName, view.Shared, view.Pinned, view.CreationTimestamp);
}

public sealed record SavedViewListResponse(IReadOnlyList<SavedViewResponse> Data);
