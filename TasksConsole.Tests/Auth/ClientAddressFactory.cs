using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using TasksConsole.Tests.Infrastructure;

namespace TasksConsole.Tests.Auth;

/// <summary>
/// The app where each request may say which address it comes from (the test server has none): the
/// <see cref="Header"/> becomes the connection's remote address before any of the app's middleware runs, as if the
/// request had come over that TCP connection.
/// </summary>
public sealed class ClientAddressFactory : TasksConsoleFactory
{
    public const string Header = "X-Test-Connection-Address";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(new ConnectionAddressFilter()));
    }

    /// <summary>A client whose requests all come from <paramref name="address"/>.</summary>
    public HttpClient CreateClientFrom(string address, bool browser = false)
    {
        var client = browser ? CreateBrowserClient() : CreateClient();
        client.DefaultRequestHeaders.Add(Header, address);
        return client;
    }

    private sealed class ConnectionAddressFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((HttpContext context, RequestDelegate request) =>
            {
                if (context.Request.Headers.Remove(Header, out var address))
                {
                    context.Connection.RemoteIpAddress = IPAddress.Parse(address.ToString());
                }
                return request(context);
            });
            next(app);
        };
    }
}
