using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace TasksConsole.Core.Webhooks;

/// <summary>
/// The one HTTP client deliveries go out through: no redirects (a receiver could otherwise bounce a request to an
/// address the guard refuses), a timeout per attempt, no cookies, and every connection's address checked by
/// <see cref="WebhookAddressGuard"/> as it is made.
/// </summary>
public sealed class WebhookHttpClient : IDisposable
{
    public WebhookHttpClient(WebhookAddressGuard guard, IOptions<WebhookOptions> options)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectTimeout = options.Value.Timeout,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var addresses = IPAddress.TryParse(context.DnsEndPoint.Host, out var literal)
                    ? [literal]
                    : await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, cancellationToken);
                // Checked here, on the addresses actually used, so a DNS answer that changed since the URL was saved
                // cannot point a delivery inside.
                var allowed = addresses.Where(a => !guard.Refuses(a)).ToArray();
                if (allowed.Length == 0)
                {
                    throw new WebhookAddressRefusedException(
                        $"{context.DnsEndPoint.Host} resolves to {string.Join(", ", addresses.Select(a => a.ToString()))}: " +
                        "loopback, link-local or private addresses are refused (Webhooks:AllowPrivateNetworks).");
                }
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        Client = new HttpClient(handler) { Timeout = options.Value.Timeout };
        Client.DefaultRequestHeaders.UserAgent.ParseAdd("TasksConsole-Webhooks/1.0");
    }

    public HttpClient Client { get; }

    public void Dispose() => Client.Dispose();
}

public sealed class WebhookAddressRefusedException(string message) : IOException(message);
