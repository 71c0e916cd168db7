using Bunit;
using Microsoft.AspNetCore.Components;
using TasksConsole.Core.Auth;
using TasksConsole.Tests.Infrastructure;
using TasksConsole.Web.Admin;

namespace TasksConsole.Tests.Admin;

public sealed class AdminPagesTests : StoreConsoleTestContext
{
    [Fact(Timeout = 30_000)]
    public async Task AnOperator_SeesNoUserActions()
    {
        await UseStoreAsync(Role.Operator);
        await Get<UserService>().CreateAsync("someone@test.local", "long enough password", Role.Viewer);
        RenderProviders();

        var page = Render<UsersPage>();

        Assert.Contains(Permissions.ManageUsers, page.Markup);
        Assert.DoesNotContain("someone@test.local", page.Markup);
        Assert.False(HasButton(page, "Create user"));
        Assert.Empty(page.FindAll("table"));
    }

    [Fact(Timeout = 30_000)]
    public async Task AnOperator_SeesNoTokenActions_NorTheJobDashboard()
    {
        await UseStoreAsync(Role.Operator);
        RenderProviders();

        var page = Render<ApiTokensPage>();

        Assert.Contains(Permissions.ManageApiTokens, page.Markup);
        Assert.False(HasButton(page, "Create token"));
        Assert.Empty(page.FindAll("a[href='/hangfire']"));
        Assert.NotNull(page.Find("a[href='/api-reference']"));
    }

    [Fact(Timeout = 30_000)]
    public async Task AnAdmin_SeesTheUsers_TheirActions_AndTheAdminTools()
    {
        await UseStoreAsync(Role.Admin);
        await Get<UserService>().CreateAsync("someone@test.local", "long enough password", Role.Viewer);
        RenderProviders();

        var page = Render<UsersPage>();

        page.WaitForAssertion(() => Assert.Contains("someone@test.local", page.Find("tbody").TextContent));
        Assert.True(HasButton(page, "Create user"));
        Assert.NotNull(page.Find("button[aria-label='Reset the password of someone@test.local']"));
        Assert.NotNull(page.Find("a[href='/hangfire'][target='_blank']"));
        Assert.NotNull(page.Find("a[href='/api-reference']"));
    }

    [Fact(Timeout = 30_000)]
    public async Task DisablingTheLastAdmin_IsRefused_WithTheServiceMessageOnThePage()
    {
        await UseStoreAsync(Role.Admin);
        var users = Get<UserService>();
        var admin = await users.CreateAsync("admin@test.local", "long enough password", Role.Admin);
        var dialogs = RenderProviders();
        var page = Render<UsersPage>();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("input.mud-switch-input")));

        var disabling = page.Find("input.mud-switch-input").ChangeAsync(new ChangeEventArgs { Value = false });
        dialogs.WaitForAssertion(() => Assert.True(HasButton(dialogs, "Disable")));
        await Button(dialogs, "Disable").ClickAsync(new());
        await disabling;

        page.WaitForAssertion(() => Assert.Contains("At least one enabled admin must remain.", page.Find(".mud-alert").TextContent));
        Assert.False((await users.FindAsync(admin.Id))!.Disabled);
    }

    [Fact(Timeout = 30_000)]
    public async Task CreatingAUser_ShowsThePasswordStrength_AndTheServiceError_ThenCreatesIt()
    {
        await UseStoreAsync(Role.Admin);
        var dialogs = RenderProviders();
        var page = Render<UsersPage>();
        page.WaitForAssertion(() => Assert.True(HasButton(page, "Create user")));

        var creating = Button(page, "Create user").ClickAsync(new());
        dialogs.WaitForAssertion(() => Assert.True(HasField(dialogs, "Email")));
        await FieldInput(dialogs, "Email").ChangeAsync(new ChangeEventArgs { Value = "new@test.local" });
        await FieldInput(dialogs, "Password").InputAsync(new ChangeEventArgs { Value = "short" });
        Assert.Contains("Too short", dialogs.Find(".password-strength").TextContent);
        await Button(dialogs, "Create").ClickAsync(new());
        dialogs.WaitForAssertion(() => Assert.Contains("A password must be 8", FieldControl(dialogs, "Password").TextContent));

        await FieldInput(dialogs, "Password").InputAsync(new ChangeEventArgs { Value = "Correct-Horse-42-Battery" });
        Assert.Contains("Strong", dialogs.Find(".password-strength").TextContent);
        await Button(dialogs, "Create").ClickAsync(new());
        await creating;

        var created = await Get<UserService>().FindByEmailAsync("new@test.local");
        Assert.Equal(Role.Viewer, created!.Role);
    }

    [Fact(Timeout = 30_000)]
    public async Task CreatingAnApiToken_ShowsItsValueOnce_AndThatValueWorks()
    {
        await UseStoreAsync(Role.Admin);
        var robot = await Get<UserService>().CreateAsync("robot@test.local", "long enough password", Role.Operator);
        var dialogs = RenderProviders();
        var page = Render<ApiTokensPage>();
        page.WaitForAssertion(() => Assert.True(HasButton(page, "Create token")));

        var creating = Button(page, "Create token").ClickAsync(new());
        dialogs.WaitForAssertion(() => Assert.True(HasField(dialogs, "Name")));
        await FieldInput(dialogs, "Name").ChangeAsync(new ChangeEventArgs { Value = "nightly export" });
        await Button(dialogs, "Create").ClickAsync(new());

        dialogs.WaitForAssertion(() => Assert.Contains("shown once", dialogs.Markup));
        var value = dialogs.Find(".token-value input").GetAttribute("value");
        Assert.False(string.IsNullOrEmpty(value));
        var validation = await Get<BearerTokenValidator>().ValidateAsync(value!);
        Assert.Equal(TokenValidationStatus.Valid, validation.Status);
        Assert.Equal(robot.Id, validation.Principal!.UserId);

        await Button(dialogs, "I have copied it").ClickAsync(new());
        await creating;

        page.WaitForAssertion(() => Assert.Contains("nightly export", page.Find("tbody").TextContent));
        Assert.DoesNotContain(value!, dialogs.Markup);
        Assert.DoesNotContain(value!, page.Markup);
        var token = Assert.Single(await Get<ApiTokenService>().ListAsync());
        Assert.Equal(Now.AddDays(90), token.ExpiresTimestamp);
    }

    [Fact(Timeout = 30_000)]
    public async Task RevokingAToken_AsksFirst_ThenRevokesIt()
    {
        await UseStoreAsync(Role.Admin);
        var robot = await Get<UserService>().CreateAsync("robot@test.local", "long enough password", Role.Operator);
        var created = await Get<ApiTokenService>().CreateAsync("ci", robot.Id, null, null);
        var dialogs = RenderProviders();
        var page = Render<ApiTokensPage>();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("button[aria-label='Revoke the token ci']")));

        var revoking = page.Find("button[aria-label='Revoke the token ci']").ClickAsync(new());
        dialogs.WaitForAssertion(() => Assert.True(HasButton(dialogs, "Revoke")));
        await Button(dialogs, "Revoke").ClickAsync(new());
        await revoking;

        page.WaitForAssertion(() => Assert.Contains("Revoked", page.Find("tbody").TextContent));
        Assert.Equal(TokenValidationStatus.Revoked, (await Get<BearerTokenValidator>().ValidateAsync(created.Token)).Status);
    }
}
