using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TasksConsole.Core.Auth;
using TasksConsole.Tests.Infrastructure;

namespace TasksConsole.Tests.Views;

/// <summary>Saved views over REST: each caller's own and the shared ones; only owners (and admins, for shared ones) change them.</summary>
public sealed class SavedViewApiTests(TasksConsoleFactory factory) : IClassFixture<TasksConsoleFactory>
{
    [Fact]
    public async Task AViewerSavesAPrivateView_AnOperatorSharesOne_AndEachSeesWhatTheyShould()
    {
        var viewer = await factory.CreateClientAsync(Role.Viewer);
        var operatorClient = await factory.CreateClientAsync(Role.Operator);
        var name = $"Mine {Guid.NewGuid():N}";
        var sharedName = $"Ours {Guid.NewGuid():N}";

        var mine = await ReadAsync(await viewer.PostAsJsonAsync("/tasks/v1/views/", new { name, query = "status=failed" }));
        var ours = await ReadAsync(await operatorClient.PostAsJsonAsync("/tasks/v1/views/", new { name = sharedName, query = "fn=echo", shared = true, pinned = true }));

        Assert.Equal(("status=failed", false, false), (mine.GetProperty("query").GetString(), mine.GetProperty("shared").GetBoolean(), mine.GetProperty("pinned").GetBoolean()));
        var seenByOperator = Names(await ReadAsync(await operatorClient.GetAsync("/tasks/v1/views/")));
        Assert.Contains(sharedName, seenByOperator);
        Assert.DoesNotContain(name, seenByOperator);
        var seenByViewer = Names(await ReadAsync(await viewer.GetAsync("/tasks/v1/views/")));
        Assert.Contains(sharedName, seenByViewer);
        Assert.Contains(name, seenByViewer);

        // The viewer cannot delete the operator's shared view: it answers as if there were none to delete.
        var refused = await viewer.DeleteAsync($"/tasks/v1/views/{ours.GetProperty("id").GetString()}");
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Equal(16, (await ReadAsync(refused)).GetProperty("code").GetInt32());

        var unpinned = await ReadAsync(await operatorClient.PostAsync($"/tasks/v1/views/{ours.GetProperty("id").GetString()}/unpin", null));
        Assert.False(unpinned.GetProperty("pinned").GetBoolean());
        var deleted = await viewer.DeleteAsync($"/tasks/v1/views/{mine.GetProperty("id").GetString()}");
        Assert.Equal(1, (await ReadAsync(deleted)).GetProperty("affectedRecords").GetInt32());
        Assert.DoesNotContain(name, Names(await ReadAsync(await viewer.GetAsync("/tasks/v1/views/"))));
    }

    [Theory]
    [InlineData("{\"query\":\"fn=echo\"}", 14)]
    [InlineData("{\"name\":\"x\"}", 14)]
    [InlineData("{\"name\":\"\",\"query\":\"fn=echo\"}", 14)]
    [InlineData("{\"name\":\"   \",\"query\":\"fn=echo\"}", 15)]
    [InlineData("{\"name\":5,\"query\":\"fn=echo\"}", 15)]
    public async Task ABadBody_IsA400WithTheSpecsErrorBody(string body, int code)
    {
        var client = await factory.CreateClientAsync(Role.Viewer);

        var response = await client.PostAsync("/tasks/v1/views/", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(code, (await ReadAsync(response)).GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task WithoutSigningIn_ViewsAreRefused()
    {
        var response = await factory.CreateClient().GetAsync("/tasks/v1/views/");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();

    private static List<string?> Names(JsonElement list) => [.. list.GetProperty("data").EnumerateArray().Select(v => v.GetProperty("name").GetString())];
}
