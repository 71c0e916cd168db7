using System.Diagnostics;
using System.Net;
using System.Text.Json;
using TasksConsole.Core.Auth;
using TasksConsole.Tests.Auth;
using TasksConsole.Tests.Infrastructure;

namespace TasksConsole.Tests.Admin;

public sealed class AdminNodesTests
{
    [Fact]
    public async Task TheNodesEndpoint_ListsEveryNodeOfTheStore_ForAdminsOnly()
    {
        await using var nodes = TwoNodes.Start(new Dictionary<string, string?> { ["Execution:HeartbeatInterval"] = "00:00:00.200" });
        using var admin = await nodes.B.CreateClientAsync(Role.Admin);
        using var viewer = await nodes.A.CreateClientAsync(Role.Viewer);

        JsonElement[] listed = [];
        var watch = Stopwatch.StartNew();
        while (listed.Length < 2 && watch.Elapsed < TimeSpan.FromSeconds(10))
        {
            var response = await admin.GetAsync("/admin/v1/nodes");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            listed = body.RootElement.GetProperty("data").EnumerateArray().Select(e => e.Clone()).ToArray();
            if (listed.Length < 2) await Task.Delay(100);
        }

        Assert.Equal(["node-a", "node-b"], listed.Select(n => n.GetProperty("id").GetString()));
        Assert.All(listed, n =>
        {
            Assert.False(n.GetProperty("dead").GetBoolean());
            Assert.True(n.GetProperty("dispatches").GetBoolean());
            Assert.False(string.IsNullOrEmpty(n.GetProperty("version").GetString()));
            Assert.True(n.GetProperty("heartbeatAgeSeconds").GetDouble() < 10);
        });
        await AuthAssert.ExhErrorAsync(await viewer.GetAsync("/admin/v1/nodes"), HttpStatusCode.Unauthorized, 10);
    }
}
