using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using TasksConsole.Core.Auth;
using TasksConsole.Tests.Infrastructure;

namespace TasksConsole.Tests.Operations;

public sealed class OperationsApiTests(OperationsApiTests.OperationsFactory factory) : IClassFixture<OperationsApiTests.OperationsFactory>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Live_Answers200_ToAnAnonymousCaller_WithoutARedirect()
    {
        using var client = factory.CreateBrowserClient();

        var response = await client.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Healthy", body.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Ready_Answers200_WhenTheStoreAndHangfireAnswer()
    {
        using var client = factory.CreateBrowserClient();

        var response = await client.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var checks = body.RootElement.GetProperty("checks").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("status").GetString());
        Assert.Equal(new Dictionary<string, string?> { ["store"] = "Healthy", ["hangfire"] = "Healthy" }, checks);
        Assert.Empty(body.RootElement.GetProperty("failed").EnumerateArray());
    }

    [Fact]
    public async Task Metrics_CountACreatedAndACompletedTask_ByFunctionAndStatus()
    {
        using var admin = await factory.CreateClientAsync(Role.Admin);
        // A function of its own (run by the built-in echo) so that no other test's tasks are in its series.
        var function = "metrics-" + Guid.NewGuid().ToString("N")[..12];
        var registered = await admin.PostAsJsonAsync("/tasks/v1/functions/", new { name = function, lambdaFunctionName = "echo" });
        Assert.True(registered.IsSuccessStatusCode, await registered.Content.ReadAsStringAsync());

        var created = await admin.PostAsJsonAsync("/tasks/v1/", new { functionName = function, data = new { n = 1 } });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();
        await WaitForAsync(async () =>
            JsonDocument.Parse(await admin.GetStringAsync($"/tasks/v1/?eq(id,{id})")).RootElement.GetProperty("data")[0]
                .GetProperty("status").GetString() == "complete");

        var labels = $"function=\"{function}\"";
        string scrape = "";
        await WaitForAsync(async () =>
        {
            scrape = await admin.GetStringAsync("/metrics");
            return Value(scrape, "tasksconsole_tasks_finished_total", labels, "status=\"complete\"") == 1;
        }, () => scrape);
        Assert.Equal(1, Value(scrape, "tasksconsole_tasks_created_total", labels));
        Assert.Equal(1, Value(scrape, "tasksconsole_tasks_started_total", labels));
        Assert.Equal(1, Value(scrape, "tasksconsole_tasks_start_lag_seconds_count", labels));
        Assert.Equal(1, Value(scrape, "tasksconsole_tasks_invocation_duration_seconds_count", labels));
        Assert.Null(Value(scrape, "tasksconsole_tasks_finished_total", labels, "status=\"failed\""));
        Assert.True(Value(scrape, "tasksconsole_dispatch_claim_rounds_total", "outcome=\"claimed\"") >= 1, scrape);
        Assert.True(Value(scrape, "tasksconsole_queue_depth") >= 0, scrape);
    }

    [Fact]
    public async Task Metrics_AreRefused_FromANetworkNotAllowed_WithoutAnAdminToken()
    {
        factory.RemoteAddress = IPAddress.Parse("203.0.113.7");
        using var anonymous = factory.CreateBrowserClient();
        using var operatorClient = await factory.CreateClientAsync(Role.Operator);
        using var admin = await factory.CreateClientAsync(Role.Admin);

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await operatorClient.GetAsync("/metrics")).StatusCode);
        var allowed = await admin.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Contains("# TYPE", await allowed.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Metrics_AreReadable_WithoutAToken_FromAConfiguredNetwork()
    {
        factory.RemoteAddress = IPAddress.Parse("10.20.30.40");
        using var anonymous = factory.CreateBrowserClient();

        var response = await anonymous.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("# TYPE", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Ready_Answers503_NamingTheStore_WhenTheDatabaseIsGone()
    {
        await using var broken = new TasksConsoleFactory();
        using var client = broken.CreateBrowserClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);

        // The database file goes away; connections kept in the pool would still read the deleted file, so they go too.
        foreach (var file in Directory.GetFiles(broken.DataDirectory, "tasksconsole.db*")) File.Delete(file);
        SqliteConnection.ClearAllPools();

        var response = await client.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Unhealthy", body.RootElement.GetProperty("status").GetString());
        Assert.Equal(["store"], body.RootElement.GetProperty("failed").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
    }

    /// <summary>The value of the first sample of <paramref name="metric"/> carrying every label given; null if none.</summary>
    private static double? Value(string scrape, string metric, params string[] labels)
    {
        foreach (var line in scrape.Split('\n'))
        {
            if (!line.StartsWith(metric + "{", StringComparison.Ordinal) && !line.StartsWith(metric + " ", StringComparison.Ordinal)) continue;
            if (!labels.All(label => line.Contains(label, StringComparison.Ordinal))) continue;
            var value = line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0];
            return double.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
        }
        return null;
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, Func<string>? explain = null)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail("Timed out waiting. " + explain?.Invoke());
            await Task.Delay(100);
        }
    }

    /// <summary>The app with a client address the test chooses (the test server has none) and 10.0.0.0/8 allowed to scrape.</summary>
    public sealed class OperationsFactory : TasksConsoleFactory
    {
        public IPAddress? RemoteAddress { get; set; }

        public OperationsFactory() => Settings["Metrics:AllowedNetworks:0"] = "10.0.0.0/8";

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(new RemoteAddressFilter(this)));
        }

        private sealed class RemoteAddressFilter(OperationsFactory factory) : IStartupFilter
        {
            public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
            {
                app.Use((HttpContext context, RequestDelegate request) =>
                {
                    context.Connection.RemoteIpAddress = factory.RemoteAddress;
                    return request(context);
                });
                next(app);
            };
        }
    }
}
