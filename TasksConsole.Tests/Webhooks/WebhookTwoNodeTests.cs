using TasksConsole.Core.Auth;
using TasksConsole.Tests.Infrastructure;
using static TasksConsole.Tests.Webhooks.WebhookTestApi;

namespace TasksConsole.Tests.Webhooks;

/// <summary>Two nodes on one store, both running the engine and a sender: every delivery is sent by one of them, once.</summary>
public sealed class WebhookTwoNodeTests
{
    private const int Failures = 60;

    [Fact]
    public async Task TwoNodesSendingFromOneStore_DeliverEveryFailureExactlyOnce()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var nodes = TwoNodes.Start(Settings());
        var adminA = await nodes.A.CreateClientAsync(Role.Admin);
        var adminB = await nodes.B.CreateClientAsync(Role.Admin);
        await RegisterAsync(adminA, receiver);

        // Failures committed on both nodes, so both senders are woken and both poll the shared outbox.
        await Task.WhenAll(Enumerable.Range(0, Failures).Select(i => CreateTaskAsync(i % 2 == 0 ? adminA : adminB, "fail", new { n = i })));

        var received = await receiver.WaitForAsync(r => r.Count >= Failures, $"{Failures} deliveries", TimeSpan.FromSeconds(120));
        // Whatever arrives late would be a duplicate: give it time to show.
        await Task.Delay(1000);
        received = receiver.Received;
        Assert.Equal(Failures, received.Select(r => r.Content.GetProperty("id").GetString()).Distinct().Count());
        Assert.Equal(Failures, received.Count);
        Assert.Empty(receiver.Invalid);
    }
}
