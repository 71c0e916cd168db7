using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using TasksConsole.Core.Audit;
using TasksConsole.Core.Auth;
using TasksConsole.Web.Api;
using TasksConsole.Web.Auth;
using TasksConsole.Web.Tasks;

namespace TasksConsole.Web.Audit;

/// <summary>
/// The audit trail over REST, <c>GET /admin/v1/audit</c> with RQL, and as a CSV download for the console
/// (<c>GET /console/export/audit?&lt;rql&gt;</c>, the console cookie only).
/// </summary>
public static class AuditEndpoints
{
    public const string ExportPath = "/console/export/audit";
    public const int MaxExportRows = 100_000;

    private static readonly string[] CsvColumns =
    [
        "id", "timestamp", "action", "actorName", "actorUserId", "actorApplicationId", "source", "remoteAddress",
        "targetType", "targetId", "summary", "details",
    ];

    public static WebApplication MapAuditEndpoints(this WebApplication app)
    {
        app.MapGet("/admin/v1/audit", FindAsync)
            .WithTags("Admin")
            .RequirePermission(Permissions.ViewAudit)
            .WithSummary("The audit trail: who did what, when and from where (beyond EXH)")
            .WithDescription("RQL over `id`, `timestamp`, `action`, `actorName`, `actorUserId`, `actorApplicationId`, `source`, " +
                             "`remoteAddress`, `targetType`, `targetId`; paged like tasks, newest first unless sorted, e.g. " +
                             "`?eq(action,task.cancel)&ge(timestamp,2026-01-01T00:00:00Z)`. `details` is the action's particulars.")
            .Produces<PagedResult<AuditEntryResponse>>();
        app.MapGet(ExportPath, ExportAsync)
            .RequireAuthorization(new AuthorizeAttribute(Permissions.ViewAudit) { AuthenticationSchemes = AuthPrincipals.CookieScheme })
            .ExcludeFromDescription();
        return app;
    }

    private static async Task<Results<Ok<PagedResult<AuditEntryResponse>>, Ok<PagedResult<JsonElement>>>> FindAsync(
        HttpRequest request, AuditTrail audit, CancellationToken cancellationToken)
    {
        var query = RqlRequests.Parse(request);
        var page = await audit.FindAsync(query, cancellationToken);
        return RqlRequests.PageResult(query, page.Items.Select(AuditEntryResponse.From).ToList(), page.Total, page.Offset, page.Limit);
    }

    /// <summary>The entries matching the query string's RQL filter as CSV, newest first, up to <see cref="MaxExportRows"/>.</summary>
    private static Task ExportAsync(HttpContext http, AuditTrail audit, TimeProvider clock, ExportGate gate, CancellationToken cancellationToken) =>
        gate.RunAsync(http, () => WriteExportAsync(http, audit, clock, cancellationToken));

    private static async Task WriteExportAsync(HttpContext http, AuditTrail audit, TimeProvider clock, CancellationToken cancellationToken)
    {
        var filter = RqlRequests.Parse(http.Request).Filter;
        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition =
            $"attachment; filename=\"audit-{clock.GetUtcNow().UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}.csv\"";
        await using var writer = new StreamWriter(http.Response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        await writer.WriteLineAsync(string.Join(',', CsvColumns));
        var line = new StringBuilder();
        await foreach (var entry in audit.StreamAsync(filter, MaxExportRows, cancellationToken))
        {
            line.Clear();
            string?[] fields =
            [
                entry.Id, entry.Timestamp.UtcDateTime.ToString("O", CultureInfo.InvariantCulture), entry.Action, entry.ActorName,
                entry.ActorUserId, entry.ActorApplicationId, entry.Source, entry.RemoteAddress, entry.TargetType, entry.TargetId,
                entry.Summary, entry.DetailsJson,
            ];
            TaskExportEndpoint.AppendCsvRow(line, fields);
            await writer.WriteLineAsync(line, cancellationToken);
        }
    }
}

public sealed record AuditEntryResponse(
    string Id,
    DateTimeOffset Timestamp,
    string Action,
    string? ActorName,
    string? ActorUserId,
    string? ActorApplicationId,
    string Source,
    string? RemoteAddress,
    string? TargetType,
    string? TargetId,
    string Summary,
    JsonElement? Details)
{
    public static AuditEntryResponse From(AuditRecord entry) => new(
        entry.Id, entry.Timestamp, entry.Action, entry.ActorName, entry.ActorUserId, entry.ActorApplicationId, entry.Source,
        entry.RemoteAddress, entry.TargetType, entry.TargetId, entry.Summary,
        entry.DetailsJson is null ? null : JsonDocument.Parse(entry.DetailsJson).RootElement.Clone());
}
