using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using TasksConsole.Core.Common;
using TasksConsole.Web.Api;
using TasksConsole.Web.Auth;

namespace TasksConsole.Web.Functions;

/// <summary>
/// Limits, per client address, the calls to functions that only a <c>public</c> or <c>allUsers</c> mode lets through:
/// direct execution and API functions, by anonymous callers and by signed-in callers without the endpoint's
/// permission. Callers holding the permission are operators answerable for their traffic and are not limited. The
/// partition depends on the caller alone, not on the function, so a missing name is limited exactly like an
/// existing one and the limit cannot be used to tell them apart.
/// </summary>
public static class FunctionCallRateLimit
{
    public const string PolicyName = "open-function-calls";

    public static IHostApplicationBuilder AddFunctionCallRateLimit(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<FunctionCallLimitOptions>()
            .Configure<IConfiguration>((options, configuration) =>
            {
                // The earlier limit's settings (it covered anonymous calls to public API functions only) apply unless the new ones are set.
                if (int.TryParse(configuration["ApiFunctions:PublicPermitLimit"], CultureInfo.InvariantCulture, out var legacyLimit))
                {
                    options.PermitLimit = legacyLimit;
                }
                if (TimeSpan.TryParse(configuration["ApiFunctions:PublicWindow"], CultureInfo.InvariantCulture, out var legacyWindow))
                {
                    options.Window = legacyWindow;
                }
                configuration.GetSection(FunctionCallLimitOptions.Section).Bind(options);
            });
        builder.Services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.AddPolicy<string, OpenFunctionCallPolicy>(PolicyName);
        });
        return builder;
    }

    /// <summary>After authentication: whether a caller is limited depends on who it is.</summary>
    public static WebApplication UseFunctionCallRateLimit(this WebApplication app)
    {
        app.UseRateLimiter();
        return app;
    }

    /// <summary>Puts an endpoint under the limit; callers holding <paramref name="permission"/> (for all functions or the named one) are not limited.</summary>
    public static RouteHandlerBuilder LimitOpenCalls(this RouteHandlerBuilder endpoint, string permission, string functionNameRouteValue) =>
        endpoint.WithMetadata(new FunctionCallPermission(permission, functionNameRouteValue))
            .RequireRateLimiting(PolicyName)
            .Produces<ErrorBody>(StatusCodes.Status429TooManyRequests);

    private sealed record FunctionCallPermission(string Permission, string FunctionNameRouteValue);

    private sealed class OpenFunctionCallPolicy(IOptions<FunctionCallLimitOptions> options) : IRateLimiterPolicy<string>
    {
        public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected { get; } = async (rejected, cancellationToken) =>
        {
            var context = rejected.HttpContext;
            var wait = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : options.Value.Window;
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            await ApiErrors.WriteAsync(context, ErrorCode.TooManyRequests,
                "Too many calls to public or all-users functions from this address; try again shortly.");
        };

        public RateLimitPartition<string> GetPartition(HttpContext context)
        {
            var required = context.GetEndpoint()?.Metadata.GetMetadata<FunctionCallPermission>();
            var user = context.User;
            if (required is not null && user.Identity?.IsAuthenticated == true
                && (user.HasPermission(required.Permission)
                    || (context.Request.RouteValues[required.FunctionNameRouteValue] is string name
                        && user.HasPermission($"{required.Permission}:{name}"))))
            {
                return RateLimitPartition.GetNoLimiter("permitted");
            }

            var limits = options.Value;
            var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
            return RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = limits.PermitLimit,
                Window = limits.Window,
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        }
    }
}

/// <summary>Settings under <c>FunctionCallLimit</c>.</summary>
public sealed class FunctionCallLimitOptions
{
    public const string Section = "FunctionCallLimit";

    /// <summary>Calls each client address may make per <see cref="Window"/> to functions it may call only by their public or allUsers mode.</summary>
    public int PermitLimit { get; set; } = 100;

    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(1);
}
