using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TasksConsole.Core.Auth;
using TasksConsole.Tests.Auth;
using TasksConsole.Tests.Infrastructure;

namespace TasksConsole.Tests.Admin;

public class ApiTokenTests(TasksConsoleFactory factory) : IClassFixture<TasksConsoleFactory>
{
    [Fact]
    public async Task ApiToken_Lifecycle_CreateUseListRevoke()
    {
        using var admin = await factory.CreateClientAsync(Role.Admin);

        var created = await admin.PostAsJsonAsync("/admin/v1/tokens", new { name = "ci pipeline" });
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        using var createdJson = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        var id = createdJson.RootElement.GetProperty("id").GetString()!;
        var secret = createdJson.RootElement.GetProperty("token").GetString()!;
        Assert.Equal("ci pipeline", createdJson.RootElement.GetProperty("name").GetString());

        using var automation = factory.CreateBearerClient(secret);
        Assert.Equal(HttpStatusCode.OK, (await automation.GetAsync("/admin/v1/users")).StatusCode);

        var list = await admin.GetStringAsync("/admin/v1/tokens");
        Assert.DoesNotContain(secret, list);
        using var listJson = JsonDocument.Parse(list);
        var listed = listJson.RootElement.GetProperty("data").EnumerateArray().Single(t => t.GetProperty("id").GetString() == id);
        Assert.Equal(TasksConsoleFactory.AdminEmail, listed.GetProperty("userEmail").GetString());
        Assert.False(listed.TryGetProperty("token", out _));
        Assert.Equal(JsonValueKind.String, listed.GetProperty("lastUsedTimestamp").ValueKind);
        Assert.False(listed.TryGetProperty("revokedTimestamp", out _));

        var revoked = await admin.DeleteAsync($"/admin/v1/tokens/{id}");
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.Equal(1, (await revoked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("affectedRecords").GetInt32());

        await AuthAssert.ExhErrorAsync(await automation.GetAsync("/admin/v1/users"), HttpStatusCode.Unauthorized, 117);
        var again = await admin.DeleteAsync($"/admin/v1/tokens/{id}");
        Assert.Equal(0, (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("affectedRecords").GetInt32());
    }

    [Fact]
    public async Task ApiToken_ForAnotherUser_CarriesThatUsersPermissions()
    {
        var viewer = await factory.EnsureUserAsync("token-viewer@test.local", TasksConsoleFactory.UserPassword, Role.Viewer);
        using var admin = await factory.CreateClientAsync(Role.Admin);

        var created = await admin.PostAsJsonAsync("/admin/v1/tokens", new { name = "reporting", userId = viewer.Id });
        var secret = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;

        using var reporting = factory.CreateBearerClient(secret);
        await AuthAssert.ExhErrorAsync(await reporting.GetAsync("/admin/v1/tokens"), HttpStatusCode.Unauthorized, 10);
    }

    [Fact]
    public async Task ApiToken_WithoutAnExpiry_GetsTheDefaultLifetime_AndNeverMustBeAskedFor()
    {
        await using var clocked = TasksConsoleFactory.WithFakeClock();
        using var admin = await clocked.CreateClientAsync(Role.Admin);
        var now = clocked.Clock!.GetUtcNow();

        var defaulted = await (await admin.PostAsJsonAsync("/admin/v1/tokens", new { name = "forgotten" })).Content.ReadFromJsonAsync<JsonElement>();
        var never = await (await admin.PostAsync("/admin/v1/tokens",
            new StringContent("""{"name":"forever","expiresTimestamp":null}""", System.Text.Encoding.UTF8, "application/json"))).Content.ReadFromJsonAsync<JsonElement>();

        // Stored to the millisecond.
        Assert.Equal(now.AddDays(90).ToUnixTimeMilliseconds(), defaulted.GetProperty("expiresTimestamp").GetDateTimeOffset().ToUnixTimeMilliseconds());
        Assert.False(never.TryGetProperty("expiresTimestamp", out var expiry) && expiry.ValueKind != JsonValueKind.Null, "asked for never");
        using var forgotten = clocked.CreateBearerClient(defaulted.GetProperty("token").GetString()!);
        using var forever = clocked.CreateBearerClient(never.GetProperty("token").GetString()!);
        clocked.Clock.Advance(TimeSpan.FromDays(91));
        await AuthAssert.ExhErrorAsync(await forgotten.GetAsync("/tasks/v1/"), HttpStatusCode.Unauthorized, 118);
        Assert.Equal(HttpStatusCode.OK, (await forever.GetAsync("/tasks/v1/")).StatusCode);
    }

    [Fact]
    public async Task ApiToken_WithAnExpiry_StopsWorkingAfterIt()
    {
        await using var clocked = TasksConsoleFactory.WithFakeClock();
        using var admin = await clocked.CreateClientAsync(Role.Admin);
        var expires = clocked.Clock!.GetUtcNow().AddDays(7);

        var created = await admin.PostAsJsonAsync("/admin/v1/tokens", new { name = "weekly", expiresTimestamp = expires });
        var secret = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        using var automation = clocked.CreateBearerClient(secret);
        Assert.Equal(HttpStatusCode.OK, (await automation.GetAsync("/admin/v1/users")).StatusCode);

        clocked.Clock.Advance(TimeSpan.FromDays(7));

        await AuthAssert.ExhErrorAsync(await automation.GetAsync("/admin/v1/users"), HttpStatusCode.Unauthorized, 118);
    }

    [Theory]
    [InlineData("{}", 14)]
    [InlineData("{\"name\":\"x\",\"userId\":\"nope\"}", 12)]
    [InlineData("{\"name\":\"x\",\"userId\":\"0123456789abcdef01234567\"}", 16)]
    [InlineData("{\"name\":\"x\",\"expiresTimestamp\":\"2001-01-01T00:00:00Z\"}", 15)]
    [InlineData("{\"name\":5}", 15)]
    public async Task CreateApiToken_RejectsBadInput(string body, int code)
    {
        using var admin = await factory.CreateClientAsync(Role.Admin);

        var response = await admin.PostAsync("/admin/v1/tokens", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        await AuthAssert.ExhErrorAsync(response, code == 16 ? HttpStatusCode.NotFound : HttpStatusCode.BadRequest, code);
    }

    [Fact]
    public async Task RevokeApiToken_UnknownOrMalformedId_Answers16Or12()
    {
        using var admin = await factory.CreateClientAsync(Role.Admin);

        await AuthAssert.ExhErrorAsync(await admin.DeleteAsync("/admin/v1/tokens/0123456789abcdef01234567"), HttpStatusCode.NotFound, 16);
        await AuthAssert.ExhErrorAsync(await admin.DeleteAsync("/admin/v1/tokens/not-an-id"), HttpStatusCode.BadRequest, 12);
    }

    [Fact]
    public async Task LastUsed_IsWrittenAtMostOncePerMinute()
    {
        await using var clocked = TasksConsoleFactory.WithFakeClock();
        var admin = await clocked.EnsureUserAsync(TasksConsoleFactory.AdminEmail, TasksConsoleFactory.AdminPassword, Role.Admin);
        var tokens = clocked.Services.GetRequiredService<ApiTokenService>();
        var validator = clocked.Services.GetRequiredService<BearerTokenValidator>();
        var created = await tokens.CreateAsync("probe", admin.Id, null, admin.Id);
        var start = clocked.Clock!.GetUtcNow();

        await validator.ValidateAsync(created.Token);
        clocked.Clock.Advance(TimeSpan.FromSeconds(30));
        await validator.ValidateAsync(created.Token);
        var afterHalfAMinute = (await tokens.ListAsync()).Single(t => t.Id == created.Info.Id).LastUsedTimestamp;
        clocked.Clock.Advance(TimeSpan.FromSeconds(31));
        await validator.ValidateAsync(created.Token);
        var afterAMinute = (await tokens.ListAsync()).Single(t => t.Id == created.Info.Id).LastUsedTimestamp;

        Assert.Equal(start.ToUnixTimeMilliseconds(), afterHalfAMinute?.ToUnixTimeMilliseconds());
        Assert.Equal(start.AddSeconds(61).ToUnixTimeMilliseconds(), afterAMinute?.ToUnixTimeMilliseconds());
    }
}
