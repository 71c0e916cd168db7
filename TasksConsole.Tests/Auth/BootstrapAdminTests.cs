using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TasksConsole.Core.Auth;
using TasksConsole.Tests.Infrastructure;
using TasksConsole.Web.Auth;

namespace TasksConsole.Tests.Auth;

public partial class BootstrapAdminTests
{
    private const string NewPassword = "Owner-chosen-passw0rd";

    [Fact]
    public async Task WithoutAConfiguredPassword_AGeneratedOneIsWrittenToAPrivateFile_AndOnlyItsPlaceIsLogged()
    {
        await using var factory = GeneratedPasswordFactory();

        var admin = Assert.Single(await factory.Services.GetRequiredService<UserService>().ListAsync());
        Assert.Equal("owner@test.local", admin.Email);
        Assert.Equal(Role.Admin, admin.Role);
        var file = Path.Combine(factory.DataDirectory, BootstrapPasswordFile.FileName);
        var password = (await File.ReadAllTextAsync(file)).Trim();
        Assert.True(password.Length >= 20, "Expected a strong generated password.");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
        var warning = Assert.Single(factory.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("owner@test.local"));
        Assert.Contains(file, warning.Message);
        Assert.DoesNotContain(factory.Logs.Entries, e => e.Message.Contains(password));
    }

    [Fact]
    public async Task TheGeneratedPassword_DoesNotGetAnApiToken_UntilItIsChanged()
    {
        await using var factory = GeneratedPasswordFactory();
        var password = await ReadGeneratedPasswordAsync(factory);
        using var client = factory.CreateClient();

        var response = await client.PostAsync(TasksConsoleFactory.TokenPath, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password", ["username"] = "owner@test.local", ["password"] = password,
        }));

        await AuthAssert.OAuthErrorAsync(response, "invalid_grant", 27);
        Assert.Contains("new password", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AConsoleSignIn_WithTheGeneratedPassword_LeadsToChoosingANewOne_BeforeAnythingElse()
    {
        await using var factory = GeneratedPasswordFactory();
        var password = await ReadGeneratedPasswordAsync(factory);
        using var browser = factory.CreateBrowserClient();

        var signIn = await CookieLoginTests.SignInAsync(browser, "owner@test.local", password, "/tasks");
        Assert.Equal(PasswordChange.PagePath, signIn.Headers.Location?.OriginalString);
        foreach (var path in new[] { "/", "/tasks", "/admin/users", "/hangfire" })
        {
            var elsewhere = await browser.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, elsewhere.StatusCode);
            Assert.Equal(PasswordChange.PagePath, elsewhere.Headers.Location?.OriginalString);
        }

        var page = await browser.GetStringAsync(PasswordChange.PagePath);
        Assert.Contains("generated first password", page);
        var changed = await browser.PostAsync("/account/change-password", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = AntiforgeryField().Match(page).Groups["token"].Value,
            ["currentPassword"] = password,
            ["newPassword"] = NewPassword,
            ["confirmPassword"] = NewPassword,
        }));

        Assert.Equal("/", changed.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/tasks")).StatusCode);
        Assert.False(File.Exists(Path.Combine(factory.DataDirectory, BootstrapPasswordFile.FileName)));
        var tokens = await factory.GetTokensAsync("owner@test.local", NewPassword);
        Assert.NotNull(tokens.AccessToken);
    }

    [Fact]
    public async Task ThePasswordChange_RefusesAWrongCurrentPassword_AndKeepsTheGate()
    {
        await using var factory = GeneratedPasswordFactory();
        var password = await ReadGeneratedPasswordAsync(factory);
        using var browser = factory.CreateBrowserClient();
        await CookieLoginTests.SignInAsync(browser, "owner@test.local", password);
        var page = await browser.GetStringAsync(PasswordChange.PagePath);

        var refused = await browser.PostAsync("/account/change-password", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = AntiforgeryField().Match(page).Groups["token"].Value,
            ["currentPassword"] = "not-" + password,
            ["newPassword"] = NewPassword,
            ["confirmPassword"] = NewPassword,
        }));

        Assert.Equal(PasswordChange.PagePath + "?error=current", refused.Headers.Location?.OriginalString);
        Assert.Equal(PasswordChange.PagePath, (await browser.GetAsync("/tasks")).Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task WrongCurrentPasswords_AtThePasswordChange_AreLimitedLikeSignIns()
    {
        await using var factory = new TasksConsoleFactory();
        using var browser = factory.CreateBrowserClient();
        await CookieLoginTests.SignInAsync(browser, TasksConsoleFactory.AdminEmail, TasksConsoleFactory.AdminPassword);
        var token = AntiforgeryField().Match(await browser.GetStringAsync(PasswordChange.PagePath)).Groups["token"].Value;

        var answers = new List<string?>();
        for (var attempt = 0; attempt < 6; attempt++)
        {
            var response = await browser.PostAsync("/account/change-password", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = token,
                ["currentPassword"] = $"guess-{attempt}-passw0rd",
                ["newPassword"] = NewPassword,
                ["confirmPassword"] = NewPassword,
            }));
            answers.Add(response.Headers.Location?.OriginalString);
        }

        Assert.Equal([.. Enumerable.Repeat(PasswordChange.PagePath + "?error=current", 5), PasswordChange.PagePath + "?error=locked"], answers);
    }

    [Fact]
    public async Task WithAConfiguredPassword_NothingSecretIsLogged_NoFileIsWritten_AndNoChangeIsRequired()
    {
        await using var factory = new TasksConsoleFactory();

        var tokens = await factory.GetTokensAsync(TasksConsoleFactory.AdminEmail, TasksConsoleFactory.AdminPassword);

        Assert.NotNull(tokens.AccessToken);
        Assert.DoesNotContain(factory.Logs.Entries, e => e.Message.Contains(TasksConsoleFactory.AdminPassword));
        Assert.False(File.Exists(Path.Combine(factory.DataDirectory, BootstrapPasswordFile.FileName)));
        var session = await factory.Services.GetRequiredService<UserService>().GetSessionAsync(tokens.UserId);
        Assert.False(session!.MustChangePassword);
    }

    private static TasksConsoleFactory GeneratedPasswordFactory() => new()
    {
        Settings =
        {
            ["Auth:BootstrapAdmin:Email"] = "owner@test.local",
            ["Auth:BootstrapAdmin:Password"] = "",
        },
    };

    private static async Task<string> ReadGeneratedPasswordAsync(TasksConsoleFactory factory)
    {
        _ = factory.Services; // starts the host, which creates the admin and the file
        return (await File.ReadAllTextAsync(Path.Combine(factory.DataDirectory, BootstrapPasswordFile.FileName))).Trim();
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"(?<token>[^\"]+)\"|type=\"hidden\" name=\"__RequestVerificationToken\" value=\"(?<token>[^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
