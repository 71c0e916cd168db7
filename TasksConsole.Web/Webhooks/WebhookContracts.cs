using System.Text.Json;
using TasksConsole.Core.Common;
using TasksConsole.Core.Webhooks;
using TasksConsole.Web.Api;

namespace TasksConsole.Web.Webhooks;

/// <summary>An endpoint as the API shows it: never its secret.</summary>
public sealed record WebhookEndpointResponse(
    string Id,
    string Url,
    string Description,
    IReadOnlyList<string> EventTypes,
    IReadOnlyList<string>? FunctionNames,
    bool Disabled,
    string? DisabledReason,
    DateTimeOffset? DisabledTimestamp,
    int ConsecutiveFailures,
    DateTimeOffset CreationTimestamp,
    DateTimeOffset UpdateTimestamp)
{
    public static WebhookEndpointResponse From(WebhookEndpointRecord e) => new(e.Id, e.Url, e.Description, e.EventTypeList,
        e.FunctionNameList, e.Disabled, e.DisabledReason, e.DisabledTimestamp, e.ConsecutiveFailures, e.CreationTimestamp, e.UpdateTimestamp);
}

/// <summary>Carries the secret: the answer to a create or a rotation, the only times it is shown.</summary>
public sealed record WebhookEndpointWithSecretResponse(WebhookEndpointResponse Endpoint, string Secret);

public sealed record WebhookDeliveryResponse(
    string Id,
    string EndpointId,
    string EventType,
    string State,
    int Attempts,
    DateTimeOffset? NextAttemptTimestamp,
    DateTimeOffset? LastAttemptTimestamp,
    int? LastResponseStatus,
    int? LastLatencyMilliseconds,
    string? LastError,
    DateTimeOffset? DeliveredTimestamp,
    DateTimeOffset CreationTimestamp,
    JsonElement Payload)
{
    public static WebhookDeliveryResponse From(WebhookDeliveryRecord d) => new(d.Id, d.EndpointId, d.EventType, WebhookStates.Format(d.State),
        d.Attempts, d.State == WebhookDeliveryState.Pending ? d.NextAttemptTimestamp : null, d.LastAttemptTimestamp, d.LastResponseStatus,
        d.LastLatencyMilliseconds, d.LastError, d.DeliveredTimestamp, d.CreationTimestamp, JsonDocument.Parse(d.PayloadJson).RootElement.Clone());
}

public sealed record WebhookDeliveryPageResponse(PageInfo Page, IReadOnlyList<WebhookDeliveryResponse> Data);

public sealed record PageInfo(long Total, int Offset, int Limit);

/// <summary>Body of <c>POST /admin/v1/webhooks</c> and <c>PUT /admin/v1/webhooks/{id}</c>.</summary>
public sealed record WebhookEndpointRequest : IJsonRequest<WebhookEndpointRequest>
{
    /// <summary>Where events are posted: http or https; private addresses only with Webhooks:AllowPrivateNetworks.</summary>
    public string? Url { get; init; }
    public string? Description { get; init; }

    /// <summary><c>task_failed</c> (the default on create) and/or <c>task_status_changed</c>.</summary>
    public IReadOnlyList<string>? EventTypes { get; init; }

    /// <summary>Only these functions' events; absent for every function, an empty array clears the filter.</summary>
    public IReadOnlyList<string>? FunctionNames { get; init; }
    public bool? Disabled { get; init; }

    internal bool ClearsFunctionNames { get; init; }

    public static WebhookEndpointRequest Read(JsonElement body)
    {
        var functionNames = JsonBody.OptionalStringArray(body, "functionNames", WebhookService.MaxFunctionNames, WebhookService.MaxFunctionNameLength);
        return new WebhookEndpointRequest
        {
            Url = JsonBody.OptionalString(body, "url", Core.Webhooks.WebhookAddressGuard.MaxUrlLength),
            Description = JsonBody.OptionalString(body, "description", WebhookService.MaxDescriptionLength),
            EventTypes = JsonBody.OptionalStringArray(body, "eventTypes", 8, 64),
            FunctionNames = functionNames is { Count: 0 } ? null : functionNames,
            ClearsFunctionNames = functionNames is { Count: 0 },
            Disabled = JsonBody.OptionalBoolean(body, "disabled"),
        };
    }

    public WebhookEndpointSpec ToSpec() => new(Url, Description, EventTypes, FunctionNames, Disabled, ClearsFunctionNames);
}

/// <summary>Delivery states on the wire: lower-case, like the rest of the API's enums.</summary>
public static class WebhookStates
{
    public static string Format(WebhookDeliveryState state) => state.ToString().ToLowerInvariant();

    public static WebhookDeliveryState? Parse(string? value)
    {
        if (string.IsNullOrEmpty(value)) return null;
        foreach (var state in Enum.GetValues<WebhookDeliveryState>())
        {
            if (string.Equals(Format(state), value, StringComparison.OrdinalIgnoreCase)) return state;
        }
        throw new ServiceException(ErrorCode.FieldFormat,
            $"Parameter 'state' must be one of {string.Join(", ", Enum.GetValues<WebhookDeliveryState>().Select(Format))}.");
    }
}
