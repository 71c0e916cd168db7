using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Metadata;

namespace TasksConsole.Web.Api;

/// <summary>
/// A request body record that reads itself from JSON with the <see cref="JsonBody"/> helpers. The record is the one
/// description of the body: handlers take it as a parameter (bound by <c>BindAsync</c> before the handler runs) and
/// the OpenAPI document shows it. Framework model binding is not used because it answers a malformed body with its
/// own 400 instead of the EXH error code (and field name) the SDK expects. Records declare their fields as init
/// properties, <c>required</c> on those the body must have, so that the document marks exactly those as required.
/// </summary>
/// <remarks>
/// Binding happens before endpoint filters run, so endpoints taking a body must check permissions before the
/// request delegate (see <c>ApiAuthorization.RequirePermission</c>): a caller who may not call the endpoint gets its
/// 401 or 403, and its body is never read.
/// </remarks>
public interface IJsonRequest<TSelf> : IBindableFromHttpContext<TSelf>, IEndpointParameterMetadataProvider
    where TSelf : class, IJsonRequest<TSelf>
{
    /// <summary>Reads and checks every field, throwing the EXH error for the first one that is wrong.</summary>
    static abstract TSelf Read(JsonElement body);

    /// <summary>The largest body accepted; larger ones are refused before they are parsed.</summary>
    static virtual int MaxBytes => JsonBody.DefaultMaxBytes;

    /// <summary>Whether an absent or empty body reads as <c>{}</c>.</summary>
    static virtual bool AllowEmpty => false;

    static async ValueTask<TSelf?> IBindableFromHttpContext<TSelf>.BindAsync(HttpContext context, ParameterInfo parameter) =>
        await JsonBody.ReadAsync<TSelf>(context.Request);

    static void IEndpointParameterMetadataProvider.PopulateMetadata(ParameterInfo parameter, EndpointBuilder builder) =>
        builder.Metadata.Add(new AcceptsMetadata(["application/json"], typeof(TSelf), isOptional: TSelf.AllowEmpty));
}
