using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TasksConsole.Core.Auth;
using TasksConsole.Tests.Auth;
using TasksConsole.Tests.Infrastructure;

namespace TasksConsole.Tests.Admin;

public class AdminUsersTests(TasksConsoleFactory factory) : IClassFixture<TasksConsoleFactory>
{
    [Fact]
    public async Task Admin_CreatesAUser_WhoCanThenSignIn()
    {
        using var admin = await factory.CreateClientAsync(Role.Admin);

        var response = await admin.PostAsJsonAsync("/admin/v1/users", new { email = "New.Operator@Test.Local", password = "operator-pass-1", role = "operator" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var user = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("new.operator@test.local", user.GetProperty("email").GetString());
        Assert.Equal("operator", user.GetProperty("role").GetString());
        Assert.False(user.GetProperty("disabled").GetBoolean());
        Assert.False(user.TryGetProperty("passwordHash", out _));
        await factory.GetTokensAsync("new.operator@test.local", "operator-pass-1");

        var list = await admin.GetStringAsync("/admin/v1/users");
        Assert.Contains("new.operator@test.local", list);
        Assert.DoesNotContain("pbkdf2", list);
    }

    [Theory]
    [InlineData("{\"email\":\"admin@test.local\",\"password\":\"long-enough-1\",\"role\":\"viewer\"}", HttpStatusCode.BadRequest, 17)]
    [InlineData("{\"email\":\"x@test.local\",\"password\":\"short\",\"role\":\"viewer\"}", HttpStatusCode.BadRequest, 15)]
    [InlineData("{\"email\":\"x@test.local\",\"password\":\"long-enough-1\",\"role\":\"root\"}", HttpStatusCode.BadRequest, 15)]
    [InlineData("{\"email\":\"not-an-email\",\"password\":\"long-enough-1\",\"role\":\"viewer\"}", HttpStatusCode.BadRequest, 15)]
    [InlineData("{\"email\":\"x@test.local\",\"role\":\"viewer\"}", HttpStatusCode.BadRequest, 14)]
    [InlineData("", HttpStatusCode.BadRequest, 13)]
    public async Task CreateUser_RejectsBadInput(string body, HttpStatusCode status, int code)
    {
        using var admin = await factory.CreateClientAsync(Role.Admin);

        var response = await admin.PostAsync("/admin/v1/users", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        await AuthAssert.ExhErrorAsync(response, status, code);
    }

    [Fact]
    public async Task Admin_ChangesRole_Disables_AndResetsPassword()
    {
        var user = await factory.EnsureUserAsync("managed@test.local", TasksConsoleFactory.UserPassword, Role.Viewer);
        var before = await factory.GetTokensAsync(user.Email, TasksConsoleFactory.UserPassword);
        using var admin = await factory.CreateClientAsync(Role.Admin);

        var promoted = await admin.PutAsJsonAsync($"/admin/v1/users/{user.Id}", new { role = "operator" });
        Assert.Equal("operator", (await promoted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("role").GetString());

        var reset = await admin.PutAsJsonAsync($"/admin/v1/users/{user.Id}", new { password = "brand-new-pass-1" });
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        using (var old = factory.CreateBearerClient(before.AccessToken))
        {
            // A password reset ends the sessions that the old password opened.
            await AuthAssert.ExhErrorAsync(await old.GetAsync("/admin/v1/users"), HttpStatusCode.Unauthorized, 117);
        }
        await Assert.ThrowsAsync<InvalidOperationException>(() => factory.GetTokensAsync(user.Email, TasksConsoleFactory.UserPassword));
        await factory.GetTokensAsync(user.Email, "brand-new-pass-1");

        var disabled = await admin.PutAsJsonAsync($"/admin/v1/users/{user.Id}", new { disabled = true });
        Assert.True((await disabled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("disabled").GetBoolean());
        await Assert.ThrowsAsync<InvalidOperationException>(() => factory.GetTokensAsync(user.Email, "brand-new-pass-1"));
    }

    [Fact]
    public async Task TheLastEnabledAdmin_CannotBeDemotedOrDisabled()
    {
        using var admin = await factory.CreateClientAsync(Role.Admin);
        var users = await admin.GetFromJsonAsync<JsonElement>("/admin/v1/users");
        var enabledAdmins = users.GetProperty("data").EnumerateArray()
            .Where(u => u.GetProperty("role").GetString() == "admin" && !u.GetProperty("disabled").GetBoolean())
            .ToList();
        Assert.Single(enabledAdmins);
        var id = enabledAdmins[0].GetProperty("id").GetString();

        await AuthAssert.ExhErrorAsync(await admin.PutAsJsonAsync($"/admin/v1/users/{id}", new { role = "viewer" }), HttpStatusCode.BadRequest, 27);
        await AuthAssert.ExhErrorAsync(await admin.PutAsJsonAsync($"/admin/v1/users/{id}", new { disabled = true }), HttpStatusCode.BadRequest, 27);
    }

    [Fact]
    public async Task UpdateUser_UnknownOrMalformedId_Answers16Or12()
    {
        using var admin = await factory.CreateClientAsync(Role.Admin);

        await AuthAssert.ExhErrorAsync(await admin.PutAsJsonAsync("/admin/v1/users/0123456789abcdef01234567", new { role = "viewer" }), HttpStatusCode.NotFound, 16);
        await AuthAssert.ExhErrorAsync(await admin.PutAsJsonAsync("/admin/v1/users/xyz", new { role = "viewer" }), HttpStatusCode.BadRequest, 12);
    }

    [Fact]
    public async Task Viewers_CannotManageUsers()
    {
        using var viewer = await factory.CreateClientAsync(Role.Viewer);

        await AuthAssert.ExhErrorAsync(await viewer.PostAsJsonAsync("/admin/v1/users", new { email = "a@b.c", password = "long-enough-1", role = "admin" }), HttpStatusCode.Unauthorized, 10);
    }
}
