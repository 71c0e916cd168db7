using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing.Template;
using TasksConsole.Core.Common;

namespace TasksConsole.Web.Api;

/// <summary>
/// Requests under the API prefixes that no API endpoint takes. Without this, routing hands them to the next route that
/// fits, a console page (<c>/tasks/{Id}</c> fits <c>/tasks/v1/</c>), which answers an empty HTML 400, or to its own
/// bodiless 415: a JSON endpoint skipped for its content type, an unknown path or a wrong method must instead get the
/// EXH error body.
/// </summary>
/// <remarks>
/// A middleware after routing rather than a catch-all route: a route that accepts any content type would also become
/// routing's only choice for requests without a content type, and take them from the endpoints whose body is
/// optional (<c>POST /tasks/v1/rerun</c>).
/// </remarks>
public static class ApiFallback
{
    public static WebApplication UseApiFallback(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (ApiPaths.IsApi(context.Request.Path) && !IsApi(context.GetEndpoint()))
            {
                var endpoints = context.RequestServices.GetRequiredService<EndpointDataSource>();
                await Unmatched(context, endpoints).ExecuteAsync(context);
                return;
            }
            await next(context);
        });
        return app;
    }

    /// <summary>An endpoint of the API itself, not a console page nor routing's own 415 (which has no route).</summary>
    private static bool IsApi(Endpoint? endpoint) =>
        endpoint is RouteEndpoint { RoutePattern.RawText: { } pattern } && ApiPaths.IsApi("/" + pattern.TrimStart('/'));

    private static IResult Unmatched(HttpContext context, EndpointDataSource endpoints)
    {
        var request = context.Request;
        var samePath = endpoints.Endpoints.OfType<RouteEndpoint>()
            .Where(endpoint => endpoint.RequestDelegate != null && Matches(endpoint, request.Path))
            .ToList();
        if (samePath.Count == 0)
        {
            return ApiErrors.Result(ErrorCode.ResourceUnknown, $"No resource at {request.Path}.");
        }

        var sameMethod = samePath.Where(endpoint => endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods is not { Count: > 0 } methods
            || methods.Contains(request.Method, StringComparer.OrdinalIgnoreCase)).ToList();
        if (sameMethod.Count == 0)
        {
            var allowed = samePath.SelectMany(endpoint => endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [])
                .Distinct(StringComparer.OrdinalIgnoreCase);
            context.Response.Headers.Allow = string.Join(", ", allowed);
            return ApiErrors.Result(ErrorCode.IllegalArgument, $"{request.Method} is not supported on {request.Path}.", StatusCodes.Status405MethodNotAllowed);
        }

        // The path and method fit an endpoint that routing passed over: only its content type can have ruled it out.
        var accepted = sameMethod.SelectMany(endpoint => endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.ContentTypes ?? [])
            .DefaultIfEmpty("application/json").Distinct(StringComparer.OrdinalIgnoreCase);
        var sent = string.IsNullOrEmpty(request.ContentType) ? "no content type" : $"content type '{request.ContentType}'";
        return ApiErrors.Result(ErrorCode.BodyFormat,
            $"The request body must be {string.Join(" or ", accepted)}; the request has {sent}.", StatusCodes.Status415UnsupportedMediaType);
    }

    private static bool Matches(RouteEndpoint endpoint, PathString path)
    {
        if (!IsApi(endpoint)) return false;
        var matcher = new TemplateMatcher(new RouteTemplate(endpoint.RoutePattern), new RouteValueDictionary());
        return matcher.TryMatch(path, new RouteValueDictionary());
    }
}
