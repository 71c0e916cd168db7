using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Data;
using TasksConsole.Core.Webhooks;
using TasksConsole.Tests.Infrastructure;
using static TasksConsole.Tests.Webhooks.WebhookTestApi;

namespace TasksConsole.Tests.Webhooks;

/// <summary>Outbound requests stay off the node's own network unless Webhooks:AllowPrivateNetworks says otherwise.</summary>
public sealed class WebhookSsrfTests
{
    [Theory]
    [InlineData("http://127.0.0.1:8080/hook")]
    [InlineData("http://localhost/hook")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://10.1.2.3/hook")]
    [InlineData("http://192.168.0.10/hook")]
    [InlineData("http://172.20.0.1/hook")]
    [InlineData("http://[::1]/hook")]
    [InlineData("http://[fd00::1]/hook")]
    [InlineData("http://0.0.0.0/hook")]
    public async Task AnEndpointOnAPrivateAddress_IsRefused_ByDefault(string url)
    {
        await using var app = new TasksConsoleFactory();
        var admin = await app.CreateClientAsync(Role.Admin);

        var response = await admin.PostAsJsonAsync("/admin/v1/webhooks", new { url });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("FIELD_FORMAT_EXCEPTION", error.GetProperty("name").GetString());
        Assert.Contains("Webhooks:AllowPrivateNetworks", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task AStoredEndpointThatResolvesInside_IsRefusedAtConnectTime_AndNothingIsSent()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var settings = Settings();
        settings["Webhooks:AllowPrivateNetworks"] = "false";
        await using var app = StartApp(settings);
        var admin = await app.CreateClientAsync(Role.Admin);
        // As if the host had resolved to a public address when the URL was saved, and to loopback now (DNS rebinding).
        var endpointId = Core.Common.ObjectId.NewId();
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<TasksDbContext>>().CreateDbContextAsync())
        {
            db.WebhookEndpoints.Add(new WebhookEndpointRecord
            {
                Id = endpointId, Url = receiver.Url, EventTypes = WebhookEventTypes.TaskFailed, Secret = WebhookService.NewSecret(),
                CreationTimestamp = DateTimeOffset.UtcNow, UpdateTimestamp = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync();
        }

        var test = await admin.PostAsync($"/admin/v1/webhooks/{endpointId}/test", null);
        Assert.True(test.IsSuccessStatusCode, await test.Content.ReadAsStringAsync());

        var deliveries = await WaitForDeliveriesAsync(admin, endpointId, d => d is [{ } one] && one.GetProperty("attempts").GetInt32() >= 1,
            "the refused attempt to be recorded");
        Assert.Contains("AllowPrivateNetworks", deliveries[0].GetProperty("lastError").GetString());
        Assert.False(deliveries[0].TryGetProperty("lastResponseStatus", out var status) && status.ValueKind != JsonValueKind.Null,
            "A refused connection has no response status.");
        Assert.Empty(receiver.Received);
        Assert.Empty(receiver.Invalid);
    }

    [Fact]
    public async Task ARedirect_IsNotFollowed_AndCountsAsAFailedAttempt()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var settings = Settings();
        settings["Webhooks:RetryDelays:0"] = "01:00:00";
        await using var app = StartApp(settings);
        var admin = await app.CreateClientAsync(Role.Admin);
        var endpointId = await RegisterAsync(admin, receiver);
        await receiver.AnswerAsync(307);

        await admin.PostAsync($"/admin/v1/webhooks/{endpointId}/test", null);

        var deliveries = await WaitForDeliveriesAsync(admin, endpointId, d => d is [{ } one] && one.GetProperty("attempts").GetInt32() == 1,
            "the redirected attempt to be recorded");
        Assert.Equal("pending", deliveries[0].GetProperty("state").GetString());
        Assert.Equal(307, deliveries[0].GetProperty("lastResponseStatus").GetInt32());
        Assert.Contains("redirects are not followed", deliveries[0].GetProperty("lastError").GetString());
        Assert.Single(receiver.Received);
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("10.0.0.1", true)]
    [InlineData("100.64.0.1", true)]
    [InlineData("169.254.169.254", true)]
    [InlineData("172.31.255.255", true)]
    [InlineData("192.168.1.1", true)]
    [InlineData("224.0.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("fe80::1", true)]
    [InlineData("fc00::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("93.184.216.34", false)]
    [InlineData("172.32.0.1", false)]
    [InlineData("2606:2800:220:1:248:1893:25c8:1946", false)]
    public void TheGuard_RefusesExactlyTheNonPublicAddresses(string address, bool refused) =>
        Assert.Equal(refused, WebhookAddressGuard.IsRefused(IPAddress.Parse(address)));
}
