using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using TasksConsole.Core.ApiFunctions;
using TasksConsole.Core.Auth;
using TasksConsole.Tests.Infrastructure;
using TasksConsole.Web.ApiFunctions;
using static TasksConsole.Tests.Infrastructure.ConsoleStore;

namespace TasksConsole.Tests.ApiFunctions;

public sealed class ApiRequestsPageTests : ConsoleTestContext
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private static readonly DateTimeOffset Now = Ms(DateTimeOffset.UtcNow);

    [Fact]
    public async Task RendersStoredRequests_NewestFirst_WithLinksToEachRequest()
    {
        await using var database = await UseStoreAsync();
        await database.SeedAsync(
            Request(1, "orders", "GET", "/orders/1", 200, Now.AddMinutes(-10)),
            Request(2, "orders", "POST", "/orders", 500, Now.AddMinutes(-1), ApiRequestErrorTypes.Response),
            Request(3, "reports", "GET", "/daily", 404, Now.AddMinutes(-5)));
        SignIn(Role.Admin);
        RenderPopoverProvider();

        var page = Render<ApiRequestsPage>();

        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("tbody tr.mud-table-row").Count), Patience);
        var rows = page.FindAll("tbody tr.mud-table-row");
        Assert.Equal(["POST /orders", "GET /daily", "GET /orders/1"], rows.Select(r => r.QuerySelector(".mono")!.TextContent.Trim()));
        Assert.Equal($"/api-requests/{Id(2)}", rows[0].QuerySelector("a[href^='/api-requests/']")!.GetAttribute("href"));
        Assert.Contains("Invalid response", rows[0].TextContent);
    }

    [Fact]
    public async Task FiltersFromTheUrl_ByFunctionAndOutcome()
    {
        await using var database = await UseStoreAsync();
        await database.SeedAsync(
            Request(1, "orders", "GET", "/ok", 200, Now.AddMinutes(-3)),
            Request(2, "orders", "GET", "/broken", 400, Now.AddMinutes(-2), ApiRequestErrorTypes.Runtime),
            Request(3, "reports", "GET", "/broken", 400, Now.AddMinutes(-1), ApiRequestErrorTypes.Runtime));
        SignIn(Role.Admin);
        RenderPopoverProvider();

        Services.GetRequiredService<NavigationManager>().NavigateTo("/api-requests?fn=orders&outcome=runtime");
        var page = Render<ApiRequestsPage>();

        page.WaitForAssertion(() =>
        {
            var row = Assert.Single(page.FindAll("tbody tr.mud-table-row"));
            Assert.Contains($"/api-requests/{Id(2)}", row.InnerHtml);
        }, Patience);
    }

    [Fact]
    public async Task ARequestRecordedWhileThePageIsOpen_AppearsAtTheTop()
    {
        await using var database = await UseStoreAsync();
        await database.SeedAsync(Request(1, "orders", "GET", "/first", 200, Now.AddMinutes(-5)));
        SignIn(Role.Admin);
        RenderPopoverProvider();
        var page = Render<ApiRequestsPage>();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("tbody tr.mud-table-row")), Patience);

        var answer = new ApiFunctionAnswer(200, [], ReadOnlyMemory<byte>.Empty, null, Request(2, "orders", "PUT", "/second", 200, Now), LogTail: null);
        await Services.GetRequiredService<ApiRequestService>().RecordAsync(answer);

        page.WaitForAssertion(() =>
        {
            var rows = page.FindAll("tbody tr.mud-table-row");
            Assert.Equal(2, rows.Count);
            Assert.Contains("PUT /second", rows[0].TextContent);
        }, Patience);
    }

    [Fact]
    public async Task TheDetailPage_ShowsTheErrorAndTheLogLines()
    {
        await using var database = await UseStoreAsync();
        SignIn(Role.Admin);
        var failed = Request(7, "orders", "GET", "/fail", 400, Now, ApiRequestErrorTypes.Runtime);
        var answer = new ApiFunctionAnswer(400, [], ReadOnlyMemory<byte>.Empty, null, failed,
            $"START RequestId: r1\n{Now.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}\tr1\tINFO\tabout to fail\nEND RequestId: r1\n");
        await Services.GetRequiredService<ApiRequestService>().RecordAsync(answer);
        RenderPopoverProvider();

        var page = Render<ApiRequestDetailPage>(parameters => parameters.Add(p => p.Id, Id(7)));

        page.WaitForAssertion(() =>
        {
            Assert.Contains("Runtime error", page.Find("[data-testid=request-error]").TextContent);
            Assert.Contains("about to fail", page.Find("[role=log]").TextContent);
        }, Patience);
    }

    [Fact]
    public async Task TheDetailPage_SaysSo_ForAnUnknownRequest()
    {
        await using var database = await UseStoreAsync();
        SignIn(Role.Admin);
        RenderPopoverProvider();

        var page = Render<ApiRequestDetailPage>(parameters => parameters.Add(p => p.Id, Id(99)));

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=request-not-found]")), Patience);
    }

    private async Task<TestDatabase> UseStoreAsync()
    {
        var database = await TestDatabase.CreateAsync();
        Services.AddConsoleStore(database);
        return database;
    }

    private static ApiRequestRecord Request(int n, string functionName, string method, string path, int status, DateTimeOffset at, string? errorType = null) => new()
    {
        Id = Id(n),
        FunctionName = functionName,
        Method = method,
        Path = path,
        StatusCode = status,
        Timestamp = at,
        DurationSeconds = 0.012,
        ErrorType = errorType,
        ErrorName = errorType is null ? null : "DemoFailure",
        ErrorMessage = errorType is null ? null : $"failure {n}",
    };
}
