using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using TasksConsole.Core.Auth;
using TasksConsole.Tests.Infrastructure;

namespace TasksConsole.Tests.Api;

/// <summary>Whatever reaches the API prefixes answers with the EXH error body, never with a console page.</summary>
public sealed class ApiFallbackTests(TasksConsoleFactory factory) : IClassFixture<TasksConsoleFactory>
{
    [Theory]
    [InlineData("/tasks/v1/", "text/plain")]
    [InlineData("/tasks/v1/", null)]
    [InlineData("/tasks/v1/functions/", "text/plain")]
    [InlineData("/tasks/v1/schedules", "application/x-www-form-urlencoded")]
    [InlineData("/tasks/v1/views", "text/xml")]
    [InlineData("/admin/v1/users", "text/plain")]
    [InlineData("/admin/v1/webhooks", "text/plain")]
    public async Task ABodyThatIsNotJson_Answers415_WithTheExhBody(string path, string? contentType)
    {
        var client = await factory.CreateClientAsync(Role.Admin);
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes("""{"functionName":"x"}"""));
        if (contentType is not null) content.Headers.ContentType = new MediaTypeHeaderValue(contentType);

        var response = await client.PostAsync(path, content);

        var error = await ReadErrorAsync(response, HttpStatusCode.UnsupportedMediaType);
        Assert.Equal((22, "BODY_FORMAT_EXCEPTION"), (error.GetProperty("code").GetInt32(), error.GetProperty("name").GetString()));
        Assert.Contains("application/json", error.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("GET", "/tasks/v1/no-such/resource")]
    [InlineData("POST", "/tasks/v1/no-such/resource")]
    [InlineData("GET", "/admin/v1/nothing-here")]
    [InlineData("GET", "/admin/v1")]
    [InlineData("DELETE", "/auth/v2/nothing-here")]
    public async Task AnUnknownApiPath_Answers404_WithTheExhBody(string method, string path)
    {
        var client = await factory.CreateClientAsync(Role.Admin);

        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent("x") });

        var error = await ReadErrorAsync(response, HttpStatusCode.NotFound);
        Assert.Equal(16, error.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task AMethodAnApiPathDoesNotTake_Answers405_WithTheExhBody_AndTheAllowedMethods()
    {
        var client = await factory.CreateClientAsync(Role.Admin);

        var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Patch, "/tasks/v1/") { Content = new StringContent("{}", Encoding.UTF8, "application/json") });

        var error = await ReadErrorAsync(response, HttpStatusCode.MethodNotAllowed);
        Assert.Equal(26, error.GetProperty("code").GetInt32());
        Assert.Contains("POST", response.Content.Headers.Allow);
    }

    [Fact]
    public async Task AJsonBody_StillReachesTheEndpoint()
    {
        var client = await factory.CreateClientAsync(Role.Admin);

        var response = await client.PostAsync("/tasks/v1/", new StringContent("""{"functionName":"x","priority":"high"}""", Encoding.UTF8, "application/json"));

        var error = await ReadErrorAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(15, error.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task AnUnknownConsoleAddress_StillGetsTheConsolesPage()
    {
        using var client = factory.CreateClient();

        var response = await client.GetAsync("/no-such-page");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    private static async Task<JsonElement> ReadErrorAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var error = JsonDocument.Parse(body).RootElement;
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        return error;
    }
}
