using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace TasksConsole.Web.ApiFunctions;

/// <summary>
/// Limits anonymous calls to <c>public</c> API functions per client address (a fixed window, no queue). Signed-in
/// callers are known and answerable for their traffic, so only calls that rely on the public mode count. Applied in
/// the endpoint rather than as middleware because whether a call is public depends on the function it names.
/// </summary>
public sealed class PublicCallLimiter(IOptions<ApiFunctionsOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.PublicPermitLimit,
            Window = options.Value.PublicWindow,
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    /// <summary>True when the call may go ahead; otherwise <paramref name="retryAfter"/> says when to try again.</summary>
    public bool TryAcquire(HttpContext context, out TimeSpan? retryAfter)
    {
        var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        using var lease = _limiter.AttemptAcquire(address);
        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : options.Value.PublicWindow;
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
