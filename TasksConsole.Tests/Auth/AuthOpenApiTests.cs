using System.Text.Json;
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

    [Theory]
    [InlineData("/auth/v2/oauth2/tokens", "post")]
    [InlineData("/tasks/v1/functions/{name}/execute", "post")]
    [InlineData("/tasks/v1/api/{functionName}/{path}", "get")]
    public async Task Endpoints_that_may_refuse_a_caller_for_its_rate_declare_the_429(string path, string method)
    {
        using var client = factory.CreateClient();

        using var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));

        var paths = document.RootElement.GetProperty("paths");
        Assert.True(paths.TryGetProperty(path, out var item), $"{path} is not in the OpenAPI document.");
        Assert.True(item.GetProperty(method).GetProperty("responses").TryGetProperty("429", out _), $"{method} {path} does not declare 429.");
    }
}
