namespace TasksConsole.Tests.Infrastructure;

public sealed class LiveServerTests
{
    [Fact]
    public async Task LiveServer_AnswersOverRealHttp_OnLocalhost()
    {
        string dataDirectory;
        await using (var server = await LiveServer.StartAsync())
        {
            dataDirectory = server.DataDirectory;
            Assert.Equal("localhost", server.BaseAddress.Host);
            Assert.NotEqual(0, server.BaseAddress.Port);
            Assert.True(Directory.Exists(dataDirectory));

            using var http = server.CreateHttpClient();
            using var response = await http.GetAsync("/openapi/v1.json");
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        }
        Assert.False(Directory.Exists(dataDirectory), "The live server should delete its data directory on dispose.");
    }

    [Fact]
    public async Task LiveServer_AppliesConfigurationOverrides()
    {
        var settings = new Dictionary<string, string?> { ["Auth:AccessTokenLifetime"] = "00:00:02" };
        await using var server = await LiveServer.StartAsync(settings);

        var configuration = (Microsoft.Extensions.Configuration.IConfiguration)server.Services
            .GetService(typeof(Microsoft.Extensions.Configuration.IConfiguration))!;
        Assert.Equal("00:00:02", configuration["Auth:AccessTokenLifetime"]);
        Assert.Equal(server.DataDirectory, configuration["Storage:DataDirectory"]);
    }
}
