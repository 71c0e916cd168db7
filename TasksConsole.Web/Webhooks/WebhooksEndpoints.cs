using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Common;
using TasksConsole.Core.Webhooks;
using TasksConsole.Web.Admin;
using TasksConsole.Web.Api;
using TasksConsole.Web.Auth;

namespace TasksConsole.Web.Webhooks;

/// <summary>Outbound webhook endpoints and their deliveries, under <c>/admin/v1/webhooks</c>.</summary>
public static class WebhooksEndpoints
{
    public static IEndpointRouteBuilder MapWebhooksEndpoints(this IEndpointRouteBuilder app)
    {
        var webhooks = app.MapGroup("/admin/v1/webhooks")
            .WithTags("Admin: webhooks")
            .RequirePermission(Permissions.ManageWebhooks)
            .WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status401Unauthorized, typeof(ErrorBody), ["application/json"]));

        webhooks.MapGet("", ListAsync).WithName("ListWebhookEndpoints")
            .WithSummary("List webhook endpoints")
            .WithDescription("Every endpoint with its event types, function filter, and whether (and why) it is disabled; never its secret.");
        webhooks.MapPost("", CreateAsync).WithName("CreateWebhookEndpoint")
            .Produces<ErrorBody>(StatusCodes.Status400BadRequest)
            .WithSummary("Register a webhook endpoint")
            .WithDescription("Returns the endpoint and its signing secret (whsec_…), shown this once. eventTypes defaults to [task_failed]. " +
                             "The URL may not resolve to a loopback, link-local or private address unless Webhooks:AllowPrivateNetworks is true.");
        webhooks.MapGet("/{id}", GetAsync).WithName("GetWebhookEndpoint")
            .Produces<ErrorBody>(StatusCodes.Status400BadRequest).Produces<ErrorBody>(StatusCodes.Status404NotFound)
            .WithSummary("Get a webhook endpoint");
        webhooks.MapPut("/{id}", UpdateAsync).WithName("UpdateWebhookEndpoint")
            .Produces<ErrorBody>(StatusCodes.Status400BadRequest).Produces<ErrorBody>(StatusCodes.Status404NotFound)
            .WithSummary("Update a webhook endpoint")
            .WithDescription("Absent fields are unchanged; functionNames [] clears the filter. disabled=false re-enables an endpoint " +
                             "and clears its failure count; the deliveries held back meanwhile are sent.");
        webhooks.MapDelete("/{id}", DeleteAsync).WithName("DeleteWebhookEndpoint")
            .Produces<ErrorBody>(StatusCodes.Status400BadRequest)
            .WithSummary("Delete a webhook endpoint and its deliveries")
            .WithDescription("affectedRecords is 0 when there was no such endpoint.");
        webhooks.MapPost("/{id}/secret", RotateSecretAsync).WithName("RotateWebhookSecret")
            .Produces<ErrorBody>(StatusCodes.Status400BadRequest).Produces<ErrorBody>(StatusCodes.Status404NotFound)
            .WithSummary("Rotate an endpoint's secret")
            .WithDescription("Returns the new secret, shown this once; deliveries are signed with it from now on.");
        webhooks.MapGet("/{id}/deliveries", DeliveriesAsync).WithName("ListWebhookDeliveries")
            .Produces<ErrorBody>(StatusCodes.Status400BadRequest).Produces<ErrorBody>(StatusCodes.Status404NotFound)
            .WithSummary("List an endpoint's deliveries")
            .WithDescription("Newest first, paged with offset and limit (at most 100); state=pending|succeeded|failed filters. Each shows its " +
                             "attempts, the last response status and latency, the last error and the body sent.");
        webhooks.MapPost("/{id}/test", SendTestAsync).WithName("SendWebhookTestEvent")
            .Produces<ErrorBody>(StatusCodes.Status400BadRequest).Produces<ErrorBody>(StatusCodes.Status404NotFound)
            .WithSummary("Send a test event")
            .WithDescription("Queues a webhook_test event for the endpoint, signed and retried like any delivery.");
        webhooks.MapPost("/{id}/deliveries/{deliveryId}/redeliver", RedeliverAsync).WithName("RedeliverWebhookDelivery")
            .Produces<ErrorBody>(StatusCodes.Status400BadRequest).Produces<ErrorBody>(StatusCodes.Status404NotFound)
            .WithSummary("Send one delivery again")
            .WithDescription("Sends it again now with a new retry schedule, whatever its state. affectedRecords is 0 when it is being sent at this moment.");
        webhooks.MapPost("/{id}/deliveries/redeliver-failed", RedeliverFailedAsync).WithName("RedeliverFailedWebhookDeliveries")
            .Produces<ErrorBody>(StatusCodes.Status400BadRequest).Produces<ErrorBody>(StatusCodes.Status404NotFound)
            .WithSummary("Send every failed delivery again")
            .WithDescription("Every delivery of the endpoint whose retries were spent is sent again, each with a new retry schedule.");
        return app;
    }

    internal static async Task<Ok<AdminList<WebhookEndpointResponse>>> ListAsync(WebhookService webhooks, CancellationToken cancellationToken) =>
        TypedResults.Ok(new AdminList<WebhookEndpointResponse>((await webhooks.ListAsync(cancellationToken)).Select(WebhookEndpointResponse.From).ToList()));

    internal static async Task<Ok<WebhookEndpointWithSecretResponse>> CreateAsync(
        WebhookEndpointRequest request, WebhookService webhooks, CancellationToken cancellationToken)
    {
        var created = await webhooks.CreateAsync(request.ToSpec(), cancellationToken);
        return TypedResults.Ok(new WebhookEndpointWithSecretResponse(WebhookEndpointResponse.From(created.Endpoint), created.Secret));
    }

    internal static async Task<Ok<WebhookEndpointResponse>> GetAsync(string id, WebhookService webhooks, CancellationToken cancellationToken) =>
        TypedResults.Ok(WebhookEndpointResponse.From(await webhooks.GetAsync(id, cancellationToken)));

    internal static async Task<Ok<WebhookEndpointResponse>> UpdateAsync(
        string id, WebhookEndpointRequest request, WebhookService webhooks, CancellationToken cancellationToken) =>
        TypedResults.Ok(WebhookEndpointResponse.From(await webhooks.UpdateAsync(id, request.ToSpec(), cancellationToken)));

    internal static async Task<Ok<AffectedRecordsResponse>> DeleteAsync(string id, WebhookService webhooks, CancellationToken cancellationToken) =>
        TypedResults.Ok(new AffectedRecordsResponse(await webhooks.DeleteAsync(id, cancellationToken)));

    internal static async Task<Ok<WebhookEndpointWithSecretResponse>> RotateSecretAsync(string id, WebhookService webhooks, CancellationToken cancellationToken)
    {
        var rotated = await webhooks.RotateSecretAsync(id, cancellationToken);
        return TypedResults.Ok(new WebhookEndpointWithSecretResponse(WebhookEndpointResponse.From(rotated.Endpoint), rotated.Secret));
    }

    internal static async Task<Ok<WebhookDeliveryPageResponse>> DeliveriesAsync(
        string id, string? state, string? offset, string? limit, WebhookService webhooks, CancellationToken cancellationToken)
    {
        var page = await webhooks.FindDeliveriesAsync(id, WebhookStates.Parse(state),
            Integer(offset, "offset", 0), Integer(limit, "limit", 20), cancellationToken);
        return TypedResults.Ok(new WebhookDeliveryPageResponse(new PageInfo(page.Total, page.Offset, page.Limit),
            page.Deliveries.Select(WebhookDeliveryResponse.From).ToList()));
    }

    internal static async Task<Ok<WebhookDeliveryResponse>> SendTestAsync(string id, WebhookService webhooks, CancellationToken cancellationToken) =>
        TypedResults.Ok(WebhookDeliveryResponse.From(await webhooks.SendTestAsync(id, cancellationToken)));

    internal static async Task<Ok<AffectedRecordsResponse>> RedeliverAsync(
        string id, string deliveryId, WebhookService webhooks, CancellationToken cancellationToken) =>
        TypedResults.Ok(new AffectedRecordsResponse(await webhooks.RedeliverAsync(id, deliveryId, cancellationToken)));

    internal static async Task<Ok<AffectedRecordsResponse>> RedeliverFailedAsync(string id, WebhookService webhooks, CancellationToken cancellationToken) =>
        TypedResults.Ok(new AffectedRecordsResponse(await webhooks.RedeliverFailedAsync(id, cancellationToken)));

    private static int Integer(string? value, string name, int fallback)
    {
        if (string.IsNullOrEmpty(value)) return fallback;
        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new ServiceException(ErrorCode.FieldFormat, $"Parameter '{name}' must be a non-negative integer.");
    }
}
