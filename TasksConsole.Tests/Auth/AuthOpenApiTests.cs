using TasksConsole.Tests.Infrastructure;

namespace TasksConsole.Tests.Auth;

public class AuthOpenApiTests(TasksConsoleFactory factory) : IClassFixture<TasksConsoleFactory>
{
    [Fact]
    public async Task TheOpenApiDocument_ListsTheTokenAndAdminEndpoints_ButNotTheBrowserForms()
    {
        using var client = factory.CreateClient();

        var document = await client.GetStringAsync("/openapi/v1.json");

        Assert.Contains("\"/auth/v2/oauth2/tokens\"", document);
        Assert.Contains("\"/admin/v1/tokens\"", document);
        Assert.Contains("\"/admin/v1/tokens/{id}\"", document);
        Assert.Contains("\"/admin/v1/users\"", document);
        Assert.Contains("\"/admin/v1/users/{id}\"", document);
        Assert.Contains("Admin: API tokens", document);
        Assert.Contains("refresh_token", document);
        Assert.DoesNotContain("/account/login", document);
    }
}
