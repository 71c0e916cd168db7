using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace TasksConsole.Tests.E2E;

/// <summary>
/// A console page whose connection to the server is gone says so and offers a reload, instead of looking alive and
/// doing nothing: the reconnect dialog while the connection is down, the error banner once an error on the server has
/// ended the circuit.
/// </summary>
/// <remarks>
/// The tests cut or poison the page's Blazor connection through Playwright's WebSocket routing, so what the browser
/// sees is exactly what a dropped network or a server-side crash gives it, without harming the shared server.
/// </remarks>
[Collection(E2ECollection.Name)]
public sealed class ConnectionLossTests(BrowserFixture browser) : BrowserTest(browser)
{
    private static readonly Regex BlazorHub = new(@"/_blazor(\?|/|$)");

    [Fact]
    public async Task ALostConnection_ShowsTheConsolesConnectionLostDialog_UntilItIsBack()
    {
        var page = await Browser.NewSignedInPageAsync(path: "/tasks");
        var connections = new List<IWebSocketRoute>();
        var refuse = false;
        await page.RouteWebSocketAsync(BlazorHub, ws =>
        {
            if (Volatile.Read(ref refuse))
            {
                _ = ws.CloseAsync(new() { Code = 1011, Reason = "cut by the test" });
                return;
            }
            ws.ConnectToServer();
            lock (connections) connections.Add(ws);
        });
        // SignalR falls back to HTTP transports when the WebSocket fails; those are cut too while refusing.
        await page.RouteAsync(url => BlazorHub.IsMatch(url), route =>
            Volatile.Read(ref refuse) ? route.AbortAsync() : route.ContinueAsync());
        await BrowserFixture.GotoAsync(page, "/tasks");

        Volatile.Write(ref refuse, true);
        IWebSocketRoute[] open;
        lock (connections) open = [.. connections];
        foreach (var ws in open) await ws.CloseAsync(new() { Code = 1011, Reason = "cut by the test" });

        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Connection lost" });
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(dialog).ToContainTextAsync(new Regex("Reconnect", RegexOptions.IgnoreCase));
        await Expect(dialog.GetByRole(AriaRole.Button, new() { Name = "Reload the page" })).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "connection-lost");
        await BrowserFixture.AssertNoSeriousAxeViolationsAsync(page);

        Volatile.Write(ref refuse, false);
        // The next attempt (a few seconds apart after the first quick ones) rejoins the same circuit.
        await Expect(dialog).ToBeHiddenAsync(new() { Timeout = 30_000 });
        await BrowserFixture.WaitInteractiveAsync(page);
    }

    [Fact]
    public async Task ACircuitEndedByAServerError_ShowsTheStoppedWorkingBanner_AndItsReloadBringsThePageBack()
    {
        var page = await Browser.NewSignedInPageAsync(path: "/tasks");
        IWebSocketRoute? connection = null;
        await page.RouteWebSocketAsync(BlazorHub, ws =>
        {
            ws.ConnectToServer();
            Volatile.Write(ref connection, ws);
        });
        await BrowserFixture.GotoAsync(page, "/tasks");
        var banner = page.Locator("#blazor-error-ui");
        await Expect(banner).ToBeHiddenAsync();

        // What the server sends before it tears down a circuit after an unhandled exception.
        Volatile.Read(ref connection)!.Send(JsErrorFrame("There was an unhandled exception on the current circuit, so this circuit will be terminated."));

        await Expect(banner).ToBeVisibleAsync();
        await Expect(banner).ToHaveAttributeAsync("role", "alert");
        await Expect(banner).ToContainTextAsync("This page stopped working");
        await BrowserFixture.ScreenshotAsync(page, "circuit-error-banner");
        await BrowserFixture.AssertNoSeriousAxeViolationsAsync(page);

        await banner.GetByRole(AriaRole.Button, new() { Name = "Reload the page" }).ClickAsync();
        await BrowserFixture.WaitInteractiveAsync(page);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1, Name = "Tasks" })).ToBeVisibleAsync();
        await Expect(banner).ToBeHiddenAsync();
    }

    /// <summary>
    /// A SignalR invocation of the client's <c>JS.Error</c> handler in Blazor's hub protocol ("blazorpack", i.e.
    /// MessagePack): a varint length, then <c>[1 (invocation), {} (headers), nil (no id), "JS.Error", [message]]</c>.
    /// </summary>
    private static byte[] JsErrorFrame(string message)
    {
        var text = Encoding.UTF8.GetBytes(message);
        if (text.Length > byte.MaxValue) throw new ArgumentException("Keep the message under 256 bytes (str8).", nameof(message));
        var body = new List<byte> { 0x95, 0x01, 0x80, 0xc0, 0xa0 | 8 };
        body.AddRange("JS.Error"u8.ToArray());
        body.AddRange([0x91, 0xd9, (byte)text.Length]);
        body.AddRange(text);

        var frame = new List<byte>();
        for (var length = body.Count; ; length >>= 7)
        {
            var next = length >> 7;
            frame.Add((byte)((length & 0x7f) | (next > 0 ? 0x80 : 0)));
            if (next == 0) break;
        }
        frame.AddRange(body);
        return [.. frame];
    }
}
