using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace TasksConsole.Web.Auth;

/// <summary>
/// Settings of section <c>ForwardedHeaders</c>: the reverse proxies whose <c>X-Forwarded-For</c> and
/// <c>X-Forwarded-Proto</c> are believed.
/// </summary>
public sealed record ForwardedHeadersSettings
{
    public const string Section = "ForwardedHeaders";

    /// <summary>Proxy addresses, e.g. <c>10.0.0.5</c>.</summary>
    public string[] KnownProxies { get; init; } = [];

    /// <summary>Proxy networks in CIDR notation, e.g. <c>10.0.0.0/8</c>.</summary>
    public string[] KnownNetworks { get; init; } = [];
}

/// <summary>
/// Makes <c>HttpContext.Connection.RemoteIpAddress</c> (used by the sign-in limiter, the audit trail, the public
/// call limit and the metrics allow-list) and the request scheme those of the real client, but only for requests that
/// come from a configured proxy. With none configured forwarded headers are ignored, loopback included (ASP.NET
/// would trust loopback by default): otherwise any local process could pick the address the limiter counts against.
/// A proxy on the same host is configured like any other, e.g. <c>ForwardedHeaders:KnownProxies: ["127.0.0.1"]</c>.
/// </summary>
public static class ForwardedHeadersSetup
{
    public static IHostApplicationBuilder AddForwardedHeaders(this IHostApplicationBuilder builder)
    {
        var settings = builder.Configuration.GetSection(ForwardedHeadersSettings.Section).Get<ForwardedHeadersSettings>()
            ?? new ForwardedHeadersSettings();
        var proxies = settings.KnownProxies
            .Select(text => IPAddress.TryParse(text.Trim(), out var address) ? address : throw Invalid("KnownProxies", text))
            .ToList();
        var networks = settings.KnownNetworks
            .Select(text => System.Net.IPNetwork.TryParse(text.Trim(), out var network) ? network : throw Invalid("KnownNetworks", text))
            .ToList();

        builder.Services.Configure<ForwardedHeadersOptions>(options =>
        {
            // With both lists empty the middleware would believe every sender, so then it reads no header at all.
            options.ForwardedHeaders = proxies.Count + networks.Count > 0
                ? ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto
                : ForwardedHeaders.None;
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            // The obsolete network list starts with loopback too; cleared so that only configured entries are believed.
#pragma warning disable ASPDEPR005
            options.KnownNetworks.Clear();
#pragma warning restore ASPDEPR005
            foreach (var proxy in proxies) options.KnownProxies.Add(proxy);
            foreach (var network in networks) options.KnownIPNetworks.Add(network);
            // Only the entries our own proxies appended are believed; a chain through several known proxies is walked
            // back until the first address that is not one of them.
            options.ForwardLimit = null;
        });
        return builder;
    }

    /// <summary>First in the pipeline, so everything after it (limiter, audit, cookies' Secure flag) sees the client.</summary>
    public static WebApplication UseConfiguredForwardedHeaders(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<ForwardedHeadersOptions>>().Value;
        if (options.ForwardedHeaders != ForwardedHeaders.None) app.UseForwardedHeaders();
        return app;
    }

    private static InvalidOperationException Invalid(string key, string text) =>
        new($"{ForwardedHeadersSettings.Section}:{key} holds '{text}', which is not a valid address or CIDR network.");
}
