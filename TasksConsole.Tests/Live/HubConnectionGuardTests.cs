using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using TasksConsole.Core.Auth;
using TasksConsole.Tests.Auth;
using TasksConsole.Tests.Infrastructure;
using TasksConsole.Web.Live;

namespace TasksConsole.Tests.Live;

/// <summary>
/// A hub connection is authenticated once, when it opens: these show it is closed when the credential it opened
/// with stops standing, and kept while it stands.
/// </summary>
public sealed class HubConnectionGuardTests(TasksConsoleFactory factory) : IClassFixture<TasksConsoleFactory>
{
    private static readonly TimeSpan CloseWithin = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task A_connection_opened_with_an_API_token_closes_when_the_token_is_revoked()
    {
        using var admin = await factory.CreateClientAsync(Role.Admin);
        var created = await (await admin.PostAsJsonAsync("/admin/v1/tokens", new { name = "live feed" })).Content.ReadFromJsonAsync<JsonElement>();
        await using var revoked = await OpenAsync(factory, created.GetProperty("token").GetString()!);
        var other = await factory.GetTokensAsync(TasksConsoleFactory.AdminEmail, TasksConsoleFactory.AdminPassword);
        await using var kept = await OpenAsync(factory, other.AccessToken);

        var revocation = await admin.DeleteAsync($"/admin/v1/tokens/{created.GetProperty("id").GetString()}");
        Assert.Equal(HttpStatusCode.OK, revocation.StatusCode);

        await revoked.AssertClosesAsync();
        Assert.Equal(HubConnectionState.Connected, kept.Hub.State);
    }

    [Fact]
    public async Task A_connection_closes_when_its_user_is_disabled()
    {
        const string email = "hub-disabled@test.local";
        var user = await factory.EnsureUserAsync(email, TasksConsoleFactory.UserPassword, Role.Viewer);
        var tokens = await factory.GetTokensAsync(email, TasksConsoleFactory.UserPassword);
        await using var connection = await OpenAsync(factory, tokens.AccessToken);

        await factory.Services.GetRequiredService<UserService>().UpdateAsync(user.Id, new UserChanges(Disabled: true));

        await connection.AssertClosesAsync();
    }

    [Fact]
    public async Task A_console_connection_closes_when_the_user_signs_out_elsewhere()
    {
        const string email = "hub-cookie@test.local";
        var user = await factory.EnsureUserAsync(email, TasksConsoleFactory.UserPassword, Role.Operator);
        var cookies = new CookieContainer();
        using var browser = factory.CreateDefaultClient(new CookieContainerHandler(cookies));
        var signIn = await CookieLoginTests.SignInAsync(browser, email, TasksConsoleFactory.UserPassword);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        await using var connection = await OpenAsync(factory, accessToken: null, cookies.GetCookieHeader(factory.Server.BaseAddress));

        // What signing out on any device does: the user's security stamp moves, which ends every console session.
        await factory.Services.GetRequiredService<UserService>().EndConsoleSessionsAsync(user.Id);

        await connection.AssertClosesAsync();
    }

    [Fact]
    public async Task A_connection_closes_when_its_access_token_expires_and_not_before()
    {
        await using var clocked = TasksConsoleFactory.WithFakeClock();
        var tokens = await clocked.GetTokensAsync(TasksConsoleFactory.AdminEmail, TasksConsoleFactory.AdminPassword);
        await using var connection = await OpenAsync(clocked, tokens.AccessToken);
        var guard = clocked.Services.GetRequiredService<HubConnectionGuard>();

        clocked.Clock!.Advance(TimeSpan.FromSeconds(tokens.ExpiresIn - 10));
        await guard.CheckAsync();
        Assert.Equal(HubConnectionState.Connected, connection.Hub.State);

        clocked.Clock.Advance(TimeSpan.FromSeconds(20));
        await guard.CheckAsync();
        await connection.AssertClosesAsync();
        Assert.Equal(0, guard.Watched);
    }

    [Fact]
    public async Task A_console_connection_closes_when_its_session_reaches_its_absolute_lifetime()
    {
        await using var clocked = TasksConsoleFactory.WithFakeClock();
        var cookies = new CookieContainer();
        using var browser = clocked.CreateDefaultClient(new CookieContainerHandler(cookies));
        await CookieLoginTests.SignInAsync(browser, TasksConsoleFactory.AdminEmail, TasksConsoleFactory.AdminPassword);
        // Activity renews the cookie, as a console in use would, until 11 h 50 min after sign-in.
        foreach (var step in new[] { TimeSpan.FromHours(4), TimeSpan.FromHours(4), TimeSpan.FromMinutes(230) })
        {
            clocked.Clock!.Advance(step);
            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/")).StatusCode);
        }
        await using var connection = await OpenAsync(clocked, accessToken: null, cookies.GetCookieHeader(clocked.Server.BaseAddress));
        var guard = clocked.Services.GetRequiredService<HubConnectionGuard>();

        await guard.CheckAsync();
        Assert.Equal(HubConnectionState.Connected, connection.Hub.State);

        clocked.Clock!.Advance(TimeSpan.FromMinutes(20));
        await guard.CheckAsync();
        await connection.AssertClosesAsync();
    }

    private static async Task<OpenConnection> OpenAsync(TasksConsoleFactory app, string? accessToken, string? cookie = null)
    {
        var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(app.Server.BaseAddress, HubPaths.Tasks), options =>
            {
                // A WebSocket, as browsers use: one request authenticates the connection for its whole life (a long
                // poll would authenticate again with every request, hiding what the guard is for).
                options.Transports = HttpTransportType.WebSockets;
                options.SkipNegotiation = true;
                options.WebSocketFactory = async (context, cancellationToken) =>
                {
                    var client = app.Server.CreateWebSocketClient();
                    client.ConfigureRequest = request =>
                    {
                        if (accessToken is not null) request.Headers.Authorization = $"Bearer {accessToken}";
                        if (cookie is not null) request.Headers.Cookie = cookie;
                    };
                    return await client.ConnectAsync(context.Uri, cancellationToken);
                };
            })
            .Build();
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        await hub.StartAsync();
        return new OpenConnection(hub, closed.Task);
    }

    private sealed record OpenConnection(HubConnection Hub, Task Closed) : IAsyncDisposable
    {
        public async Task AssertClosesAsync()
        {
            var finished = await Task.WhenAny(Closed, Task.Delay(CloseWithin));
            Assert.True(finished == Closed, $"The hub connection was still open {CloseWithin.TotalSeconds} s after its credential stopped standing.");
        }

        public ValueTask DisposeAsync() => Hub.DisposeAsync();
    }
}
