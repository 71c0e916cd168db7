using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Data;
using TasksConsole.Tests.Infrastructure;

namespace TasksConsole.Tests.Auth;

/// <summary>Two nodes on one store: what one node signs, grants or takes away holds on the other.</summary>
public sealed class CrossNodeAuthTests
{
    /// <summary>Well above the one-second revision poll, well below the 30 s the caches would otherwise hold on.</summary>
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(8);

    private static Dictionary<string, string?> Quiet => new() { ["Execution:DispatcherEnabled"] = "false" };

    private static async Task<string> SessionCookieAsync(TasksConsoleFactory node, string email, string password)
    {
        using var browser = node.CreateBrowserClient();
        var response = await CookieLoginTests.SignInAsync(browser, email, password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var setCookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("TasksConsole.Session=", StringComparison.Ordinal));
        return setCookie[..setCookie.IndexOf(';')];
    }

    private static Task<HttpResponseMessage> GetHomeAsync(TasksConsoleFactory node, string cookie)
    {
        var client = node.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("Cookie", cookie);
        return client.SendAsync(request);
    }

    /// <summary>Polls until <paramref name="holds"/>; fails after <see cref="Within"/>, returning how long it took.</summary>
    private static async Task<TimeSpan> UntilAsync(Func<Task<bool>> holds, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!await holds())
        {
            if (watch.Elapsed > Within) Assert.Fail($"{what} did not happen within {Within.TotalSeconds} s");
            await Task.Delay(100);
        }
        return watch.Elapsed;
    }

    [Fact]
    public async Task ACookieSignedOnNodeA_IsAcceptedOnNodeB_WithTheKeyRingInTheStore()
    {
        await using var nodes = TwoNodes.Start(Quiet);

        var cookie = await SessionCookieAsync(nodes.A, TasksConsoleFactory.AdminEmail, TasksConsoleFactory.AdminPassword);
        var onB = await GetHomeAsync(nodes.B, cookie);

        Assert.Equal(HttpStatusCode.OK, onB.StatusCode);
        Assert.Contains(TasksConsoleFactory.AdminEmail, await onB.Content.ReadAsStringAsync());
        await using var db = await nodes.A.Services.GetRequiredService<IDbContextFactory<TasksDbContext>>().CreateDbContextAsync();
        Assert.NotEmpty(await db.DataProtectionKeys.ToListAsync());
        Assert.False(Directory.Exists(Path.Combine(nodes.A.DataDirectory, "keys")), "no key files are written any more");
    }

    [Fact]
    public async Task AnApiTokenRevokedOnNodeA_IsRefusedOnNodeB_WithinSeconds()
    {
        await using var nodes = TwoNodes.Start(Quiet);
        var admin = (await nodes.A.Services.GetRequiredService<UserService>().FindByEmailAsync(TasksConsoleFactory.AdminEmail))!;
        var created = await nodes.A.Services.GetRequiredService<ApiTokenService>().CreateAsync("automation", admin.Id, null, admin.Id);
        using var onB = nodes.B.CreateBearerClient(created.Token);
        // Node B validates the token once and caches it.
        Assert.Equal(HttpStatusCode.OK, (await onB.GetAsync("/tasks/v1/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await onB.GetAsync("/tasks/v1/")).StatusCode);

        await nodes.A.Services.GetRequiredService<ApiTokenService>().RevokeAsync(created.Info.Id);

        await UntilAsync(async () =>
        {
            var response = await onB.GetAsync("/tasks/v1/");
            if (response.StatusCode != HttpStatusCode.Unauthorized) return false;
            await AuthAssert.ExhErrorAsync(response, HttpStatusCode.Unauthorized, 117);
            return true;
        }, "refusing the revoked token on node B");
    }

    [Fact]
    public async Task AUserDisabledOnNodeA_LosesTheirSessionOnNodeB_WithinSeconds()
    {
        await using var nodes = TwoNodes.Start(Quiet);
        var user = await nodes.A.EnsureUserAsync("operator@test.local", TasksConsoleFactory.UserPassword, Role.Operator);
        var cookie = await SessionCookieAsync(nodes.B, user.Email, TasksConsoleFactory.UserPassword);
        Assert.Equal(HttpStatusCode.OK, (await GetHomeAsync(nodes.B, cookie)).StatusCode);

        await nodes.A.Services.GetRequiredService<UserService>().SetDisabledAsync(user.Id, true);

        await UntilAsync(async () =>
        {
            var response = await GetHomeAsync(nodes.B, cookie);
            return response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location?.AbsolutePath == "/login";
        }, "ending the disabled user's session on node B");
    }

    [Fact]
    public async Task KeysOfAnInstallationThatKeptThemInAFolder_AreImportedOnFirstStart_SoItsCookiesStillOpen()
    {
        await using var node = new TasksConsoleFactory();
        var folder = new DirectoryInfo(Path.Combine(node.DataDirectory, "keys"));
        var before = DataProtectionProvider.Create(folder, setup => setup.SetApplicationName("TasksConsole"));
        var sealedBefore = before.CreateProtector("cross-node-test").Protect("signed in before the upgrade");

        var after = node.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("cross-node-test");

        Assert.Equal("signed in before the upgrade", after.Unprotect(sealedBefore));
        await using var db = await node.Services.GetRequiredService<IDbContextFactory<TasksDbContext>>().CreateDbContextAsync();
        Assert.Equal(folder.GetFiles("*.xml").Length, await db.DataProtectionKeys.CountAsync());
    }
}
