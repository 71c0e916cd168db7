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

/// <summary>
/// Deliveries end to end: a task fails through the real engine (Hangfire, the local function runtime), the sender
/// posts to a receiver on a real port, which verifies each signature with the standardwebhooks npm package.
/// </summary>
public class WebhookDeliveryTests
{
    protected virtual StorageProvider Provider => StorageProvider.Sqlite;

    private TasksConsoleFactory Start(Dictionary<string, string?> settings) => StartApp(settings, Provider);

    [Fact]
    public async Task AFailedTask_IsDeliveredOnce_AsTheSignedExhEvent_ToTheEndpointsThatWantIt()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var filtered = await WebhookReceiver.StartAsync();
        await using var app = Start(Settings());
        var admin = await app.CreateClientAsync(Role.Admin);
        var endpointId = await RegisterAsync(admin, receiver);
        await RegisterAsync(admin, filtered, functionNames: ["someOtherFunction"]);

        var taskId = await CreateTaskAsync(admin, "fail", new { errorName = "PaymentDeclined", message = "card expired" });

        var received = await receiver.WaitForAsync(app, r => r.Count == 1, "the task_failed delivery");
        var delivery = received[0];
        Assert.Equal("task_failed", delivery.Type);
        Assert.Equal(taskId, delivery.Content.GetProperty("id").GetString());
        Assert.Equal("fail", delivery.Content.GetProperty("functionName").GetString());
        Assert.Equal("PaymentDeclined", delivery.Content.GetProperty("error").GetProperty("name").GetString());
        Assert.Empty(receiver.Invalid);

        var recorded = await WaitForDeliveriesAsync(admin, endpointId, d => d is [{ } one] && one.GetProperty("state").GetString() == "succeeded",
            "the delivery to be recorded as succeeded");
        Assert.Equal(delivery.Id, recorded[0].GetProperty("id").GetString());
        Assert.Equal(1, recorded[0].GetProperty("attempts").GetInt32());
        Assert.Equal(204, recorded[0].GetProperty("lastResponseStatus").GetInt32());
        Assert.True(recorded[0].GetProperty("lastLatencyMilliseconds").GetInt32() >= 0);

        // The endpoint filtered to another function got nothing, and no repeat reached the first one.
        await Task.Delay(500);
        Assert.Empty(filtered.Received);
        Assert.Single(receiver.Received);
    }

    [Fact]
    public async Task AReceiverAnswering500_GetsTheSameDeliveryAgain_UntilItAcceptsIt()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = Start(Settings());
        var admin = await app.CreateClientAsync(Role.Admin);
        var endpointId = await RegisterAsync(admin, receiver);
        await receiver.FailNextAsync(2);

        await CreateTaskAsync(admin, "fail", new { });

        var received = await receiver.WaitForAsync(app, r => r.Any(d => d.Status == 204), "the delivery to be accepted");
        Assert.Equal([500, 500, 204], received.Select(r => r.Status));
        Assert.Single(received.Select(r => r.Id).Distinct());
        var recorded = await WaitForDeliveriesAsync(admin, endpointId, d => d is [{ } one] && one.GetProperty("state").GetString() == "succeeded",
            "the delivery to be recorded as succeeded");
        Assert.Equal(3, recorded[0].GetProperty("attempts").GetInt32());
        Assert.Equal(0, (await EndpointAsync(admin, endpointId)).GetProperty("consecutiveFailures").GetInt32());
    }

    [Fact]
    public async Task AReceiverThatKeepsFailing_IsDisabledWithTheReason_AndItsFailedDeliveriesGoOutAgainOnRequest()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = Start(Settings(disableAfterFailures: 4));
        var admin = await app.CreateClientAsync(Role.Admin);
        var endpointId = await RegisterAsync(admin, receiver);
        await receiver.AnswerAsync(500);

        await CreateTaskAsync(admin, "fail", new { });

        // Four attempts (the first and three retries) spend the schedule and reach the limit.
        await WaitForDeliveriesAsync(admin, endpointId, d => d is [{ } one] && one.GetProperty("state").GetString() == "failed",
            "the delivery to be given up");
        var endpoint = await EndpointAsync(admin, endpointId);
        Assert.True(endpoint.GetProperty("disabled").GetBoolean());
        Assert.Contains("HTTP 500", endpoint.GetProperty("disabledReason").GetString());
        Assert.Equal(4, receiver.Received.Count);

        // While disabled it takes no new events and cannot be tested.
        var test = await admin.PostAsync($"/admin/v1/webhooks/{endpointId}/test", null);
        Assert.Equal(HttpStatusCode.BadRequest, test.StatusCode);
        Assert.Equal("ILLEGAL_STATE_EXCEPTION", (await test.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("name").GetString());

        await receiver.AnswerAsync(204);
        var enable = await admin.PutAsJsonAsync($"/admin/v1/webhooks/{endpointId}", new { disabled = false });
        Assert.True(enable.IsSuccessStatusCode, await enable.Content.ReadAsStringAsync());
        var redeliver = await admin.PostAsync($"/admin/v1/webhooks/{endpointId}/deliveries/redeliver-failed", null);
        Assert.Equal(1, (await redeliver.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("affectedRecords").GetInt32());

        await receiver.WaitForAsync(r => r.Any(d => d.Status == 204), "the redelivery");
        await WaitForDeliveriesAsync(admin, endpointId, d => d is [{ } one] && one.GetProperty("state").GetString() == "succeeded",
            "the redelivery to be recorded");
        Assert.False((await EndpointAsync(admin, endpointId)).GetProperty("disabled").GetBoolean());
    }

    [Fact]
    public async Task ATestEvent_AndARedeliveryOfOne_ReachTheReceiverWithTheSameIdEachTime()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = Start(Settings());
        var admin = await app.CreateClientAsync(Role.Admin);
        var endpointId = await RegisterAsync(admin, receiver);

        var sent = await admin.PostAsync($"/admin/v1/webhooks/{endpointId}/test", null);
        var deliveryId = (await sent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        await receiver.WaitForAsync(r => r.Count == 1, "the test event");
        await WaitForDeliveriesAsync(admin, endpointId, d => d is [{ } one] && one.GetProperty("state").GetString() == "succeeded",
            "the test event to be recorded");

        var again = await admin.PostAsync($"/admin/v1/webhooks/{endpointId}/deliveries/{deliveryId}/redeliver", null);
        Assert.True(again.IsSuccessStatusCode, await again.Content.ReadAsStringAsync());

        var received = await receiver.WaitForAsync(r => r.Count == 2, "the redelivery");
        Assert.All(received, r => Assert.Equal(deliveryId, r.Id));
        Assert.All(received, r => Assert.Equal("webhook_test", r.Type));
    }

    [Fact]
    public async Task ARotatedSecret_SignsTheDeliveriesFromThenOn()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = Start(Settings());
        var admin = await app.CreateClientAsync(Role.Admin);
        var endpointId = await RegisterAsync(admin, receiver);

        var rotated = await (await admin.PostAsync($"/admin/v1/webhooks/{endpointId}/secret", null)).Content.ReadFromJsonAsync<JsonElement>();
        await receiver.SetSecretAsync(rotated.GetProperty("secret").GetString()!);
        await admin.PostAsync($"/admin/v1/webhooks/{endpointId}/test", null);

        await receiver.WaitForAsync(r => r.Count == 1, "a delivery signed with the new secret");
        Assert.Empty(receiver.Invalid);
    }

    [Fact]
    public async Task TheStatusChangeSubscription_GetsEveryOutcome_OfItsFunctionOnly()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = Start(Settings());
        var admin = await app.CreateClientAsync(Role.Admin);
        await RegisterAsync(admin, receiver, eventTypes: ["task_status_changed"], functionNames: ["echo"]);

        var echo = await CreateTaskAsync(admin, "echo", new { message = "hi" });
        await CreateTaskAsync(admin, "fail", new { });

        var received = await receiver.WaitForAsync(app, r => r.Count >= 1, "the status change");
        Assert.Equal("task_status_changed", received[0].Type);
        Assert.Equal(echo, received[0].Content.GetProperty("id").GetString());
        Assert.Equal("complete", received[0].Content.GetProperty("status").GetString());
        await Task.Delay(500);
        Assert.Single(receiver.Received);
    }

    [Fact]
    public async Task TheDeliveryRow_IsCommittedWithTheFailure_EvenWhenNoNodeSends()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var settings = Settings();
        settings["Webhooks:SenderEnabled"] = "false";
        await using var app = Start(settings);
        var admin = await app.CreateClientAsync(Role.Admin);
        var endpointId = await RegisterAsync(admin, receiver);

        var taskId = await CreateTaskAsync(admin, "fail", new { });

        var deliveries = await WaitForDeliveriesAsync(admin, endpointId, d => d.Length == 1, "the delivery row");
        Assert.Equal("pending", deliveries[0].GetProperty("state").GetString());
        Assert.Equal(taskId, deliveries[0].GetProperty("payload").GetProperty("content").GetProperty("id").GetString());
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<TasksDbContext>>().CreateDbContextAsync();
        var failure = await db.TaskFailedEvents.SingleAsync(e => e.TaskId == taskId);
        var row = await db.WebhookDeliveries.SingleAsync();
        // Same transaction, same instant: the outcome writer stamps both with its one "now".
        Assert.Equal(failure.CreationTimestamp, row.CreationTimestamp);
        Assert.Empty(receiver.Received);
    }

    [Fact]
    public async Task OnlyAdmins_ManageWebhooks()
    {
        await using var app = Start(Settings());
        var operatorClient = await app.CreateClientAsync(Role.Operator);

        var response = await operatorClient.GetAsync("/admin/v1/webhooks");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("NO_PERMISSION_EXCEPTION", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("name").GetString());
        Assert.Contains(Permissions.ManageWebhooks, Permissions.For(Role.Admin));
    }

    [Theory]
    [InlineData("not a url", "FIELD_FORMAT_EXCEPTION")]
    [InlineData("ftp://example.com/hook", "FIELD_FORMAT_EXCEPTION")]
    [InlineData(null, "MISSING_REQUIRED_FIELDS_EXCEPTION")]
    public async Task ABadEndpoint_IsRefusedWithTheExhError(string? url, string error)
    {
        await using var app = Start(Settings());
        var admin = await app.CreateClientAsync(Role.Admin);

        var response = await admin.PostAsJsonAsync("/admin/v1/webhooks", new { url, eventTypes = new[] { "task_failed" } });
        var wrongType = await admin.PostAsJsonAsync("/admin/v1/webhooks", new { url = "http://127.0.0.1:9/x", eventTypes = new[] { "task_done" } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(error, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
        Assert.Empty(await app.Services.GetRequiredService<WebhookService>().ListAsync());
    }
}

/// <summary>The same deliveries with the store on PostgreSQL (the claim there locks with SKIP LOCKED).</summary>
public sealed class PostgreSqlWebhookDeliveryTests : WebhookDeliveryTests
{
    protected override StorageProvider Provider => StorageProvider.PostgreSql;
}
