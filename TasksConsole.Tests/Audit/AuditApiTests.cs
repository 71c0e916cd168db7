using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TasksConsole.Core.Auth;
using TasksConsole.Tests.Infrastructure;

namespace TasksConsole.Tests.Audit;

/// <summary>What the trail records for API callers, and who may read it.</summary>
public class AuditApiTests(TasksConsoleFactory factory) : IClassFixture<TasksConsoleFactory>
{
    [Fact]
    public async Task ACancelOverTheApi_IsRecordedWithWhoAndFromWhere()
    {
        var operatorClient = await factory.CreateClientAsync(Role.Operator);
        var id = await CreateFutureTaskAsync(operatorClient);
        (await operatorClient.PostAsync($"/tasks/v1/{id}/cancel", null)).EnsureSuccessStatusCode();
        var admin = await factory.CreateClientAsync(Role.Admin);

        var entry = await SingleAsync(admin, $"eq(action,task.cancel)&eq(targetId,{id})");

        Assert.Equal((TasksConsoleFactory.EmailFor(Role.Operator), "api", "task"),
            (entry.GetProperty("actorName").GetString(), entry.GetProperty("source").GetString(), entry.GetProperty("targetType").GetString()));
        Assert.False(string.IsNullOrEmpty(entry.GetProperty("actorUserId").GetString()));
        Assert.Contains(id, entry.GetProperty("summary").GetString());
    }

    [Fact]
    public async Task SignIns_AreRecorded_FailuresWithTheEmailTriedAndNeverThePassword()
    {
        var email = $"nobody-{Guid.NewGuid():N}@test.local";
        var response = await factory.CreateClient().PostAsync(TasksConsoleFactory.TokenPath, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password", ["username"] = email, ["password"] = "Wrong-passw0rd-secret", ["client_id"] = TasksConsoleFactory.ClientId,
        }));
        Assert.False(response.IsSuccessStatusCode);
        var admin = await factory.CreateClientAsync(Role.Admin);

        var failed = await SingleAsync(admin, $"eq(action,auth.signInFailed)&eq(actorName,{Uri.EscapeDataString(Uri.EscapeDataString(email))})");

        Assert.Contains("wrong email or password", failed.GetProperty("summary").GetString());
        Assert.DoesNotContain("Wrong-passw0rd-secret", failed.GetRawText());
        var signIns = await admin.GetFromJsonAsync<JsonElement>($"/admin/v1/audit?eq(action,auth.signIn)&eq(actorName,{Uri.EscapeDataString(Uri.EscapeDataString(TasksConsoleFactory.EmailFor(Role.Admin)))})");
        Assert.True(signIns.GetProperty("data").GetArrayLength() >= 1);
    }

    [Fact]
    public async Task FunctionChanges_AreRecorded_NamingTheFieldsButNotTheirValues()
    {
        var admin = await factory.CreateClientAsync(Role.Admin);
        var name = $"audited-{Guid.NewGuid():N}"[..20];
        (await admin.PostAsJsonAsync("/tasks/v1/functions", new { name })).EnsureSuccessStatusCode();
        (await admin.PutAsJsonAsync($"/tasks/v1/functions/{name}", new { environmentVariables = new { API_KEY = new { value = "s3cret-value" } } })).EnsureSuccessStatusCode();
        (await admin.DeleteAsync($"/tasks/v1/functions/{name}")).EnsureSuccessStatusCode();

        var entries = (await admin.GetFromJsonAsync<JsonElement>($"/admin/v1/audit?eq(targetId,{name})&sort(+timestamp)")).GetProperty("data");

        Assert.Equal(["function.create", "function.update", "function.delete"], entries.EnumerateArray().Select(e => e.GetProperty("action").GetString()!).ToArray());
        var update = entries[1];
        Assert.Contains("environmentVariables", update.GetProperty("details").GetProperty("changed").EnumerateArray().Select(f => f.GetString()));
        Assert.DoesNotContain("s3cret-value", update.GetRawText());
    }

    [Fact]
    public async Task OnlyAdmins_MayReadTheTrail()
    {
        foreach (var role in new[] { Role.Viewer, Role.Operator })
        {
            var client = await factory.CreateClientAsync(role);
            var response = await client.GetAsync("/admin/v1/audit");
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal(10, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetInt32());
        }
        var bad = await (await factory.CreateClientAsync(Role.Admin)).GetAsync("/admin/v1/audit?eq(nosuchfield,1)");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(19, (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetInt32());
    }

    private static async Task<JsonElement> SingleAsync(HttpClient admin, string rql)
    {
        var page = await admin.GetFromJsonAsync<JsonElement>($"/admin/v1/audit?{rql}");
        return Assert.Single(page.GetProperty("data").EnumerateArray());
    }

    private static async Task<string> CreateFutureTaskAsync(HttpClient client)
    {
        var response = await client.PostAsJsonAsync("/tasks/v1/", new { functionName = "noop", startTimestamp = DateTimeOffset.UtcNow.AddHours(2) });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }
}

/// <summary>The same against PostgreSQL.</summary>
public sealed class PostgreSqlAuditApiTests(PostgreSqlTasksConsoleFactory app) : AuditApiTests(app), IClassFixture<PostgreSqlTasksConsoleFactory>;
