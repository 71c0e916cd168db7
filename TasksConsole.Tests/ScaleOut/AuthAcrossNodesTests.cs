using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using TasksConsole.Tests.Auth;

namespace TasksConsole.Tests.ScaleOut;

[Collection(ScaleOutCollection.Name)]
public sealed class AuthAcrossNodesTests(SharedCluster nodes)
{
    [Fact]
    public async Task A_session_cookie_signed_on_node_A_opens_the_console_on_node_B()
    {
        using var browserOnA = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = nodes.A.BaseAddress };
        var signIn = await CookieLoginTests.SignInAsync(browserOnA, ScaleOutCluster.AdminEmail, ScaleOutCluster.AdminPassword);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        var setCookie = Assert.Single(signIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith("TasksConsole.Session=", StringComparison.Ordinal));

        using var onB = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = nodes.B.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("Cookie", setCookie[..setCookie.IndexOf(';')]);
        var home = await onB.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Contains(ScaleOutCluster.AdminEmail, await home.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_api_token_revoked_on_node_A_is_refused_on_node_B_within_seconds()
    {
        using var adminOnA = await nodes.Cluster.AdminClientAsync(nodes.A);
        var created = await adminOnA.PostAsJsonAsync("/admin/v1/tokens", new { name = "scale-out automation" });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var token = await created.Content.ReadFromJsonAsync<JsonElement>();
        using var onB = nodes.B.CreateHttpClient();
        onB.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.GetProperty("token").GetString());
        // Node B validates the token, then answers from its cache.
        Assert.Equal(HttpStatusCode.OK, (await onB.GetAsync("/tasks/v1/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await onB.GetAsync("/tasks/v1/")).StatusCode);

        var revoked = await adminOnA.DeleteAsync($"/admin/v1/tokens/{token.GetProperty("id").GetString()}");
        Assert.True(revoked.IsSuccessStatusCode, await revoked.Content.ReadAsStringAsync());
        var watch = Stopwatch.StartNew();

        // Well above the one-second revision poll, far below the caches' own lifetime.
        await nodes.Cluster.WaitUntilAsync(async () => (await onB.GetAsync("/tasks/v1/")).StatusCode == HttpStatusCode.Unauthorized,
            TimeSpan.FromSeconds(10), "node B to refuse the token revoked on node A");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"refused after {watch.Elapsed.TotalSeconds:0.0} s");
    }
}
