using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Playwright;
using TasksConsole.Tests.E2E;

namespace TasksConsole.Tests.ScaleOut;

[Collection(ScaleOutCollection.Name)]
public sealed class LiveAcrossNodesTests(SharedCluster nodes)
{
    private static readonly Regex Complete = new(@"\bcomplete\b", RegexOptions.IgnoreCase);

    [Fact]
    public async Task A_hub_client_and_a_signed_in_browser_on_node_B_see_a_task_created_and_completed_on_node_A_live()
    {
        // The hub client on B.
        var changes = new ConcurrentQueue<(string TaskId, string Status)>();
        var tokenOnB = await ScaleOutCluster.AccessTokenAsync(nodes.B);
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(nodes.B.BaseAddress, "hubs/tasks"), options => options.AccessTokenProvider = () => Task.FromResult<string?>(tokenOnB))
            .Build();
        hub.On<JsonElement>("TaskChanged", change => changes.Enqueue((change.GetProperty("taskId").GetString()!, change.GetProperty("status").GetString()!)));
        await hub.StartAsync();

        // The browser on B, signed in through the login form, on the tasks page.
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BrowserFixture.LaunchChromiumAsync(playwright);
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = nodes.B.BaseAddress.ToString() });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(BrowserFixture.TimeoutMs);
        await page.GotoAsync("login?returnUrl=" + Uri.EscapeDataString("/tasks"));
        await BrowserFixture.SubmitLoginFormAsync(page, ScaleOutCluster.AdminEmail, ScaleOutCluster.AdminPassword);
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/tasks");
        await BrowserFixture.WaitInteractiveAsync(page);
        // A reload would show the task without live updates; this mark tells whether the page stayed.
        await page.EvaluateAsync("() => { window.__samePage = true; }");

        // The task, created through node A's API; node A or B runs it.
        using var onA = await nodes.Cluster.AdminClientAsync(nodes.A);
        var response = await onA.PostAsJsonAsync("/tasks/v1/", new { functionName = ScaleOutCluster.CountFunction, data = new { sleepMs = 500 } });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        await nodes.Cluster.WaitUntilAsync(() => Task.FromResult(changes.Any(c => c.TaskId == id && c.Status == "complete")),
            TimeSpan.FromSeconds(60), "the hub client on node B to hear the task complete");
        Assert.Equal(["new", "inProgress", "complete"], changes.Where(c => c.TaskId == id).Select(c => c.Status));

        var row = BrowserFixture.TaskRow(page, id);
        await Assertions.Expect(row).ToContainTextAsync(Complete, new LocatorAssertionsToContainTextOptions { Timeout = 30_000 });
        Assert.True(await page.EvaluateAsync<bool>("() => window.__samePage === true"), "The tasks page reloaded; it should update in place.");
    }
}
