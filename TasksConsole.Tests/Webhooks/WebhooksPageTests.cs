using Bunit;
using Microsoft.EntityFrameworkCore;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Webhooks;
using TasksConsole.Tests.Infrastructure;
using TasksConsole.Web.Webhooks;

namespace TasksConsole.Tests.Webhooks;

public sealed class WebhooksPageTests : StoreConsoleTestContext
{
    private const string EndpointId = "65f0a1b2c3d4e5f601234567";

    /// <summary>Generous: the store is a real SQLite file, and the CI machine is shared.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private async Task UseWebhooksAsync(Role role, bool seed = true)
    {
        await UseStoreAsync(role);
        Services.AddCore(core => core.AddWebhooksCore());
        if (!seed) return;
        await using var db = Database.CreateContext();
        db.WebhookEndpoints.Add(new WebhookEndpointRecord
        {
            Id = EndpointId, Url = "https://alerts.example.com/hooks", Description = "On-call alerts", EventTypes = "task_failed",
            FunctionNames = "billing", Secret = WebhookService.NewSecret(), Disabled = true,
            DisabledReason = "Disabled after 50 failed attempts in a row; the last: The receiver answered HTTP 500.",
            ConsecutiveFailures = 50, CreationTimestamp = Now.AddDays(-1), UpdateTimestamp = Now,
        });
        db.WebhookDeliveries.AddRange(
            new WebhookDeliveryRecord
            {
                Id = "65f0a1b2c3d4e5f601234570", EndpointId = EndpointId, EventType = "task_failed", PayloadJson = "{}",
                State = WebhookDeliveryState.Failed, Attempts = 8, LastResponseStatus = 500, LastLatencyMilliseconds = 1200,
                LastError = "The receiver answered HTTP 500.", CreationTimestamp = Now.AddHours(-2), NextAttemptTimestamp = Now,
            },
            new WebhookDeliveryRecord
            {
                Id = "65f0a1b2c3d4e5f601234569", EndpointId = EndpointId, EventType = "task_failed", PayloadJson = "{}",
                State = WebhookDeliveryState.Succeeded, Attempts = 1, LastResponseStatus = 204, LastLatencyMilliseconds = 35,
                CreationTimestamp = Now.AddHours(-3), NextAttemptTimestamp = Now.AddHours(-3),
            });
        await db.SaveChangesAsync();
    }

    [Fact(Timeout = 30_000)]
    public async Task AnAdmin_SeesWhyAnEndpointIsDisabled_AndItsDeliveries_AndRedeliversTheFailedOnes()
    {
        await UseWebhooksAsync(Role.Admin);
        RenderProviders();

        var page = Render<WebhooksPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("table[aria-label='Deliveries'] tbody tr").Count), Patience);
        Assert.Contains("Disabled after 50 failed attempts in a row", page.Find(".disabled-reason").TextContent);
        var rows = page.FindAll("table[aria-label='Deliveries'] tbody tr")
            .Select(row => row.QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToList()).ToList();
        Assert.Equal(["task_failed", "Failed", "500", "1200 ms", "8"], rows[0].Skip(1).Take(5));
        Assert.Equal(["task_failed", "Succeeded", "204", "35 ms", "1"], rows[1].Skip(1).Take(5));
        // A disabled endpoint cannot be sent a test event until it is enabled again.
        Assert.True(page.Find("button[aria-label='Send a test event to https://alerts.example.com/hooks']").HasAttribute("disabled"));

        Button(page, "Redeliver all failed").Click();

        page.WaitForAssertion(() => Assert.Contains("Pending", page.FindAll("table[aria-label='Deliveries'] tbody tr")[0].TextContent), Patience);
        await using var db = Database.CreateContext();
        var requeued = await db.WebhookDeliveries.SingleAsync(d => d.Id == "65f0a1b2c3d4e5f601234570");
        Assert.Equal(WebhookDeliveryState.Pending, requeued.State);
        Assert.Equal(0, requeued.Attempts);
    }

    [Fact(Timeout = 30_000)]
    public async Task AddingAnEndpoint_RefusesAPrivateAddress_AndShowsTheSecretOnce()
    {
        await UseWebhooksAsync(Role.Admin, seed: false);
        RenderProviders();
        var page = Render<WebhooksPage>();

        FieldInput(page, "URL").Change("http://169.254.169.254/latest");
        Button(page, "Add endpoint").Click();
        page.WaitForAssertion(() => Assert.Contains("AllowPrivateNetworks", FieldControl(page, "URL").TextContent), Patience);

        FieldInput(page, "URL").Change("https://93.184.216.34/hooks");
        Button(page, "Add endpoint").Click();

        page.WaitForAssertion(() => Assert.StartsWith("whsec_", page.Find(".secret-value code").TextContent), Patience);
        var stored = Assert.Single(await Get<WebhookService>().ListAsync());
        Assert.Equal(stored.Secret, page.Find(".secret-value code").TextContent);
        Assert.Equal(["task_failed"], stored.EventTypeList);
    }

    [Fact(Timeout = 30_000)]
    public async Task AnOperator_SeesNoEndpoints()
    {
        await UseWebhooksAsync(Role.Operator);
        RenderProviders();

        var page = Render<WebhooksPage>();

        Assert.Contains(Permissions.ManageWebhooks, page.Markup);
        Assert.DoesNotContain("alerts.example.com", page.Markup);
    }
}
