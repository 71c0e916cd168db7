using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Tasks;
using TasksConsole.Tests.Auth;
using TasksConsole.Tests.Infrastructure;
using TasksConsole.Web.Tasks;

namespace TasksConsole.Tests.Tasks;

public sealed class TaskExportTests(TasksConsoleFactory factory) : IClassFixture<TasksConsoleFactory>
{
    [Fact]
    public async Task Export_SendsAnAnonymousBrowserToSignIn()
    {
        using var browser = factory.CreateBrowserClient();

        var response = await browser.GetAsync("/console/export/tasks?format=csv");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login", response.Headers.Location?.AbsolutePath);
    }

    [Fact]
    public async Task Export_IsForTheConsoleCookie_NotForBearerTokens()
    {
        using var api = await factory.CreateClientAsync(Role.Admin);

        var response = await api.GetAsync("/console/export/tasks?format=csv");

        // The client follows the redirect: it ends on the sign-in page, not with a file.
        Assert.Equal("/login", response.RequestMessage?.RequestUri?.AbsolutePath);
        Assert.NotEqual("text/csv", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Export_StreamsTheFilteredTasksAsCsv_NewestFirst()
    {
        var tag = $"export-{Guid.NewGuid():N}";
        var first = await CreateAsync("echo", tag, "other");
        var second = await CreateAsync("echo", tag);
        await CreateAsync("echo", "unrelated");
        using var browser = await SignedInBrowserAsync(Role.Viewer);

        var response = await browser.GetAsync($"/console/export/tasks?format=csv&any={tag}");
        var body = Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("attachment; filename=\"tasks-", response.Content.Headers.ContentDisposition?.ToString());
        Assert.Equal("2", response.Headers.GetValues("X-Total-Count").Single());
        Assert.Equal("false", response.Headers.GetValues("X-Export-Truncated").Single());
        var lines = body.TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("id,functionName,status,priority,startTimestamp,creationTimestamp,", lines[0]);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith($"{second.Id},echo,new,0,", lines[1]);
        Assert.StartsWith($"{first.Id},echo,new,0,", lines[2]);
        Assert.Contains($"\"[\"\"{tag}\"\",\"\"other\"\"]\"", lines[2]);
    }

    [Fact]
    public async Task Export_AsJson_IsAnArrayOfTasksInTheApiShape()
    {
        var tag = $"export-{Guid.NewGuid():N}";
        var task = await CreateAsync("echo", tag);
        using var browser = await SignedInBrowserAsync(Role.Viewer);

        var response = await browser.GetAsync($"/console/export/tasks?format=json&all={tag}&status=new");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var item = Assert.Single(document.RootElement.EnumerateArray());
        Assert.Equal(task.Id, item.GetProperty("id").GetString());
        Assert.Equal("new", item.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Object, item.GetProperty("data").ValueKind);
        Assert.Equal(tag, item.GetProperty("tags")[0].GetString());
    }

    [Fact]
    public async Task Export_RefusesAnUnknownFormat()
    {
        using var browser = await SignedInBrowserAsync(Role.Viewer);

        var response = await browser.GetAsync("/console/export/tasks?format=xlsx");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\"")]
    [InlineData("+1 more", "'+1 more")]
    [InlineData("-12", "-12")]
    [InlineData("@home", "'@home")]
    [InlineData("", "")]
    public void CsvFields_AreQuotedPerRfc4180_AndFormulasAreDefused(string value, string expected)
    {
        var line = new StringBuilder();

        TaskExportEndpoint.AppendCsvField(line, value);

        Assert.Equal(expected, line.ToString());
    }

    [Fact]
    public async Task Export_PastTheCaps_Answers429WithTheReason_UntilASlotFrees()
    {
        var gate = factory.Services.GetRequiredService<ExportGate>();
        var viewer = await factory.EnsureUserAsync(TasksConsoleFactory.EmailFor(Role.Viewer), TasksConsoleFactory.UserPassword, Role.Viewer);
        using var browser = await SignedInBrowserAsync(Role.Viewer);
        const string export = "/console/export/tasks?format=csv&any=no-such-tag";

        // Two exports of this user already running (the default per-user cap).
        var mine = new[] { gate.TryEnter(viewer.Id, out _), gate.TryEnter(viewer.Id, out _) };
        var refused = await browser.GetAsync(export);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("You already have 2 export(s) running", await refused.Content.ReadAsStringAsync());
        Assert.Equal(TimeSpan.FromSeconds(30), refused.Headers.RetryAfter?.Delta);

        mine[0]!.Dispose();
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(export)).StatusCode);
        mine[1]!.Dispose();

        // Four running for other users (the default cap in all).
        var others = Enumerable.Range(0, 4).Select(i => gate.TryEnter($"someone-{i}", out _)!).ToList();
        var busy = await browser.GetAsync("/console/export/tasks?format=json");
        Assert.Equal(HttpStatusCode.TooManyRequests, busy.StatusCode);
        Assert.Contains("4 exports are running on this server", await busy.Content.ReadAsStringAsync());
        others.ForEach(lease => lease.Dispose());
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(export)).StatusCode);
    }

    [Fact]
    public void TheGate_CountsEachUserApart_AndALeaseFreesItsSlotOnce()
    {
        var gate = new ExportGate(Microsoft.Extensions.Options.Options.Create(new ExportOptions { MaxConcurrentPerUser = 1, MaxConcurrent = 2 }));

        var a = gate.TryEnter("a", out _);
        Assert.NotNull(a);
        Assert.Null(gate.TryEnter("a", out var perUser));
        Assert.Contains("1 export(s) running", perUser);
        var b = gate.TryEnter("b", out _);
        Assert.NotNull(b);
        Assert.Null(gate.TryEnter("c", out var total));
        Assert.Contains("2 exports are running", total);

        a!.Dispose();
        a.Dispose();
        Assert.NotNull(gate.TryEnter("c", out _));
        Assert.Null(gate.TryEnter("d", out _));
    }

    private async Task<TaskRecord> CreateAsync(string function, params string[] tags) =>
        // A start far ahead keeps the engine from running them: the export sees them as created.
        await factory.Services.GetRequiredService<TaskService>().CreateAsync(
            new NewTask(function, StartTimestamp: DateTimeOffset.UtcNow.AddDays(7), Tags: tags), Caller.System);

    private async Task<HttpClient> SignedInBrowserAsync(Role role)
    {
        var email = TasksConsoleFactory.EmailFor(role);
        await factory.EnsureUserAsync(email, TasksConsoleFactory.UserPassword, role);
        var browser = factory.CreateBrowserClient();
        var response = await CookieLoginTests.SignInAsync(browser, email, TasksConsoleFactory.UserPassword);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return browser;
    }
}
