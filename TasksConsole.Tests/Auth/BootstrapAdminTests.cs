using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TasksConsole.Core.Auth;
using TasksConsole.Tests.Infrastructure;

namespace TasksConsole.Tests.Auth;

public partial class BootstrapAdminTests
{
    [Fact]
    public async Task WithoutAConfiguredPassword_TheFirstAdminGetsAGeneratedOne_LoggedOnceAsAWarning()
    {
        await using var factory = new TasksConsoleFactory
        {
            Settings =
            {
                ["Auth:BootstrapAdmin:Email"] = "owner@test.local",
                ["Auth:BootstrapAdmin:Password"] = "",
            },
        };

        var users = await factory.Services.GetRequiredService<UserService>().ListAsync();

        var admin = Assert.Single(users);
        Assert.Equal("owner@test.local", admin.Email);
        Assert.Equal(Role.Admin, admin.Role);
        var warning = Assert.Single(factory.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("owner@test.local"));
        var password = GeneratedPassword().Match(warning.Message).Groups["password"].Value;
        Assert.True(password.Length >= 20, $"Expected a strong generated password in: {warning.Message}");

        var tokens = await factory.GetTokensAsync("owner@test.local", password);
        Assert.Equal(admin.Id, tokens.UserId);
    }

    [Fact]
    public async Task WithAConfiguredPassword_NothingSecretIsLogged()
    {
        await using var factory = new TasksConsoleFactory();

        var tokens = await factory.GetTokensAsync(TasksConsoleFactory.AdminEmail, TasksConsoleFactory.AdminPassword);

        Assert.NotNull(tokens.AccessToken);
        Assert.DoesNotContain(factory.Logs.Entries, e => e.Message.Contains(TasksConsoleFactory.AdminPassword));
    }

    [GeneratedRegex("password (?<password>\\S+) ")]
    private static partial Regex GeneratedPassword();
}
