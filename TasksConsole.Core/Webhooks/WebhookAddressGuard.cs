using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using TasksConsole.Core.Common;

namespace TasksConsole.Core.Webhooks;

/// <summary>
/// Keeps outbound requests off the node's own network (SSRF): loopback, link-local (the cloud metadata address
/// among them), private, shared, multicast and unspecified addresses are refused unless
/// <see cref="WebhookOptions.AllowPrivateNetworks"/>. A URL is checked when it is saved (every address its host
/// resolves to), and the address actually connected to is checked again at connect time, so a DNS answer that
/// changes in between (DNS rebinding) gains nothing.
/// </summary>
public sealed class WebhookAddressGuard(IOptions<WebhookOptions> options)
{
    public const int MaxUrlLength = 2048;

    public bool AllowPrivateNetworks => options.Value.AllowPrivateNetworks;

    /// <summary>Parses and checks an endpoint URL; throws the EXH error that says what is wrong.</summary>
    public async Task<Uri> CheckUrlAsync(string url, CancellationToken cancellationToken)
    {
        if (url.Length > MaxUrlLength || !Uri.TryCreate(url, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new ServiceException(ErrorCode.FieldFormat, "Field 'url' must be an absolute http or https URL.");
        }
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            throw new ServiceException(ErrorCode.FieldFormat, "Field 'url' must not carry a user name or password.");
        }
        if (AllowPrivateNetworks) return uri;

        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(uri.IdnHost, out var literal)
                ? [literal]
                : await Dns.GetHostAddressesAsync(uri.IdnHost, cancellationToken);
        }
        catch (SocketException)
        {
            throw new ServiceException(ErrorCode.FieldFormat, $"The host of 'url' ({uri.Host}) does not resolve.");
        }
        var refused = addresses.FirstOrDefault(IsRefused);
        if (addresses.Length == 0 || refused is not null)
        {
            throw new ServiceException(ErrorCode.FieldFormat,
                $"The host of 'url' ({uri.Host}) resolves to {refused?.ToString() ?? "no address"}, " +
                "a loopback, link-local or private address; webhooks may not reach those unless Webhooks:AllowPrivateNetworks is true.");
        }
        return uri;
    }

    /// <summary>Whether a connection to <paramref name="address"/> is refused under the current settings.</summary>
    public bool Refuses(IPAddress address) => !AllowPrivateNetworks && IsRefused(address);

    /// <summary>Addresses that are not on the public internet.</summary>
    public static bool IsRefused(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)
            || address.Equals(IPAddress.None) || address.Equals(IPAddress.IPv6None))
        {
            return true;
        }
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b[0] switch
            {
                0 or 10 or 127 => true,
                100 => b[1] is >= 64 and <= 127, // carrier-grade NAT, 100.64.0.0/10
                169 => b[1] == 254, // link-local, the cloud metadata service
                172 => b[1] is >= 16 and <= 31,
                192 => (b[1] == 168) || (b[1] == 0 && b[2] is 0 or 2) || (b[1] == 88 && b[2] == 99),
                198 => b[1] is 18 or 19 || (b[1] == 51 && b[2] == 100),
                203 => b[1] == 0 && b[2] == 113,
                >= 224 => true, // multicast and reserved
                _ => false,
            };
        }
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var b = address.GetAddressBytes();
            return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast
                   || (b[0] & 0xFE) == 0xFC // unique local, fc00::/7
                   || address.IsIPv6Teredo
                   || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8); // documentation
        }
        return true;
    }
}
