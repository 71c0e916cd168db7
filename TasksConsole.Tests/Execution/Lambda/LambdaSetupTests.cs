using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TasksConsole.Core.Execution.Lambda;
using TasksConsole.Tests.Infrastructure;
using TasksConsole.Web.Execution.Lambda;
using TasksConsole.Web.Execution.LocalRuntime;

namespace TasksConsole.Tests.Execution.Lambda;

public sealed class LambdaSetupTests
{
    [Fact]
    public async Task AddLambda_RunsTasksOnTheLocalRuntime_WhenNoEndpointIsConfigured()
    {
        var logs = new LogCapture();
        await using var app = BuildApp(logs, new Dictionary<string, string?>());
        await app.StartAsync();

        Assert.IsType<LocalRuntimeConnectionSource>(app.Services.GetRequiredService<ILambdaConnectionSource>());
        var result = await app.Services.GetRequiredService<ILambdaInvoker>().InvokeAsync(
            new LambdaInvocation(new LambdaTarget("echo"), """{"data":{"from":"setup"}}"""u8.ToArray(), TimeSpan.FromSeconds(30)));
        Assert.Equal("""{"echo":{"from":"setup"}}""", Encoding.UTF8.GetString(result.Payload));
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Information && e.Message.Contains("built-in local runtime listening on http://127.0.0.1:"));

        await app.StopAsync();
    }

    [Fact]
    public async Task AddLambda_TakesTheConfiguredKeyPair_ForTheLocalRuntime()
    {
        await using var app = BuildApp(new LogCapture(), new Dictionary<string, string?>
        {
            ["Lambda:LocalRuntime:AccessKeyId"] = "LOCALCONFIGUREDKEY",
            ["Lambda:LocalRuntime:SecretAccessKey"] = "configured-secret",
        });

        var runtime = app.Services.GetRequiredService<LocalLambdaRuntime>();

        Assert.Equal("LOCALCONFIGUREDKEY", runtime.AccessKeyId);
        Assert.Equal("configured-secret", runtime.Credentials.GetCredentials().SecretKey);
    }

    [Fact]
    public async Task AddLambda_UsesTheConfiguredEndpoint_WithoutStartingTheLocalRuntime()
    {
        var logs = new LogCapture();
        await using var app = BuildApp(logs, new Dictionary<string, string?>
        {
            ["Lambda:ServiceUrl"] = "http://127.0.0.1:3002",
            ["Lambda:Region"] = "eu-west-1",
            ["Lambda:MaxAttempts"] = "5",
        });
        await app.StartAsync();

        Assert.IsType<AwsLambdaConnectionSource>(app.Services.GetRequiredService<ILambdaConnectionSource>());
        Assert.Null(app.Services.GetService<LocalLambdaRuntime>());
        Assert.Equal(5, app.Services.GetRequiredService<IOptions<LambdaOptions>>().Value.MaxAttempts);
        Assert.Contains(logs.Entries, e => e.Message == "Lambda: invoking functions at http://127.0.0.1:3002/ (region eu-west-1)");

        await app.StopAsync();
    }

    private static WebApplication BuildApp(LogCapture logs, Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders().AddProvider(logs);
        builder.AddLambda();
        return builder.Build();
    }
}
