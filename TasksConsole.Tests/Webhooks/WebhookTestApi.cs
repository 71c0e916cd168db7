using System.Net.Http.Json;
using System.Text.Json;
using TasksConsole.Core.Data;
using TasksConsole.Tests.Infrastructure;

namespace TasksConsole.Tests.Webhooks;

/// <summary>The admin webhooks API and task creation, as the webhook tests call them.</summary>
internal static class WebhookTestApi
{
    /// <summary>Fast retries and polls, and the loopback receiver allowed: what every delivery test runs with.</summary>
    public static Dictionary<string, string?> Settings(int disableAfterFailures = 50) => new()
    {
        ["Webhooks:AllowPrivateNetworks"] = "true",
        ["Webhooks:PollInterval"] = "00:00:00.100",
        ["Webhooks:RetryDelays:0"] = "00:00:00.200",
        ["Webhooks:RetryDelays:1"] = "00:00:00.200",
        ["Webhooks:RetryDelays:2"] = "00:00:00.200",
        ["Webhooks:DisableAfterFailures"] = disableAfterFailures.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>The app with <paramref name="settings"/> (see <see cref="Settings"/>), on <paramref name="provider"/>'s store.</summary>
    public static TasksConsoleFactory StartApp(Dictionary<string, string?> settings, StorageProvider provider = StorageProvider.Sqlite)
    {
        var factory = new TasksConsoleFactory { Provider = provider };
        foreach (var (key, value) in settings) factory.Settings[key] = value;
        return factory;
    }

    /// <summary>
    /// Waits as <see cref="WebhookReceiver.WaitForAsync"/> does; when nothing comes, the failure also says where the
    /// app's tasks are (status, claim) and what its job storage holds, so that a delivery that never left can be told
    /// from a task that never ran.
    /// </summary>
    public static async Task<IReadOnlyList<ReceivedWebhook>> WaitForAsync(
        this WebhookReceiver receiver, TasksConsoleFactory app, Func<IReadOnlyList<ReceivedWebhook>, bool> condition, string what)
    {
        try
        {
            return await receiver.WaitForAsync(condition, what);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new InvalidOperationException($"{ex.Message}\n{await EngineState.DescribeAsync(app)}", ex);
        }
    }

    /// <summary>Registers <paramref name="receiver"/> and tells it the new secret; returns the endpoint id.</summary>
    public static async Task<string> RegisterAsync(
        HttpClient admin, WebhookReceiver receiver, string[]? eventTypes = null, string[]? functionNames = null)
    {
        var response = await admin.PostAsJsonAsync("/admin/v1/webhooks", new
        {
            url = receiver.Url,
            description = "test receiver",
            eventTypes = eventTypes ?? ["task_failed"],
            functionNames,
        });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        var secret = body.GetProperty("secret").GetString()!;
        Assert.StartsWith("whsec_", secret);
        await receiver.SetSecretAsync(secret);
        return body.GetProperty("endpoint").GetProperty("id").GetString()!;
    }

    public static async Task<string> CreateTaskAsync(HttpClient client, string function, object data)
    {
        var response = await client.PostAsJsonAsync("/tasks/v1/", new { functionName = function, data });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    public static async Task<JsonElement> EndpointAsync(HttpClient admin, string id) =>
        await admin.GetFromJsonAsync<JsonElement>($"/admin/v1/webhooks/{id}");

    public static async Task<JsonElement[]> DeliveriesAsync(HttpClient admin, string endpointId, string? state = null) =>
        (await admin.GetFromJsonAsync<JsonElement>($"/admin/v1/webhooks/{endpointId}/deliveries?limit=100{(state is null ? "" : "&state=" + state)}"))
        .GetProperty("data").EnumerateArray().ToArray();

    /// <summary>Polls the deliveries until they meet the condition, with a generous deadline for a loaded machine.</summary>
    public static async Task<JsonElement[]> WaitForDeliveriesAsync(
        HttpClient admin, string endpointId, Func<JsonElement[], bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (true)
        {
            var deliveries = await DeliveriesAsync(admin, endpointId);
            if (condition(deliveries)) return deliveries;
            if (DateTime.UtcNow > deadline) Assert.Fail($"Waited 120 s for {what}; deliveries: {string.Join("\n", deliveries)}");
            await Task.Delay(100);
        }
    }
}
