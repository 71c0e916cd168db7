using System.Net;

namespace TasksConsole.Web.Operations;

/// <summary>Who may read the Prometheus scrape endpoint besides an admin's bearer token.</summary>
public sealed class MetricsOptions
{
    public const string Section = "Metrics";

    /// <summary>Loopback only: a scraper on the same machine (or a sidecar) needs no token.</summary>
    public static readonly string[] DefaultAllowedNetworks = ["127.0.0.0/8", "::1/128"];

    /// <summary>CIDR ranges whose clients may scrape without a token; unset means <see cref="DefaultAllowedNetworks"/>.</summary>
    public string[]? AllowedNetworks { get; set; }

    public IReadOnlyList<IPNetwork> Networks() => [.. (AllowedNetworks ?? DefaultAllowedNetworks).Select(IPNetwork.Parse)];

    public bool AreValid() => (AllowedNetworks ?? DefaultAllowedNetworks).All(cidr => IPNetwork.TryParse(cidr, out _));

    /// <summary>Whether <paramref name="address"/> is inside one of the networks; an unknown address is not.</summary>
    public static bool Allows(IReadOnlyList<IPNetwork> networks, IPAddress? address)
    {
        if (address is null) return false;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        return networks.Any(network => network.Contains(address));
    }
}
