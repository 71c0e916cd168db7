using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Common;
using TasksConsole.Web.Auth;

namespace TasksConsole.Web.Admin;

public partial class UsersPage(UserService users, IDialogService dialogs, ISnackbar snackbar)
{
    private readonly HashSet<string> _busy = [];
    private IReadOnlyList<UserInfo> _users = [];
    private string? _currentUserId;
    private bool _canManage;
    private bool _loading;
    private string? _error;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        var user = (await AuthenticationState).User;
        _canManage = user.HasPermission(Permissions.ManageUsers);
        _currentUserId = user.GetUserId();
        if (_canManage) await LoadAsync();
    }

    private async Task LoadAsync()
    {
        _loading = true;
        try
        {
            _users = await users.ListAsync();
        }
        finally
        {
            _loading = false;
        }
    }

    /// <summary>Checked again on every action: the page may have been open while the permission was taken away.</summary>
    private async Task<bool> AllowedAsync()
    {
        _canManage = (await AuthenticationState).User.HasPermission(Permissions.ManageUsers);
        if (!_canManage) _error = $"Managing users needs the {Permissions.ManageUsers} permission.";
        return _canManage;
    }

    private async Task CreateAsync()
    {
        if (!await AllowedAsync()) return;
        var dialog = await dialogs.ShowAsync<CreateUserDialog>("Create user",
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, CloseOnEscapeKey = true });
        if (await dialog.Result is { Canceled: false, Data: UserInfo created })
        {
            snackbar.Add($"{created.Email} can now sign in as {created.Role.ToString().ToLowerInvariant()}.", Severity.Success);
            await LoadAsync();
        }
    }

    private async Task ChangeRoleAsync(UserInfo user, Role role)
    {
        if (user.Id == _currentUserId && !role.Grants(Permissions.ManageUsers))
        {
            var confirmed = await dialogs.ShowMessageBoxAsync(
                "Change your own role?",
                $"As {role.ToString().ToLowerInvariant()} you can no longer manage users, including changing this back.",
                yesText: "Change my role", cancelText: "Cancel");
            if (confirmed != true)
            {
                // The select already shows the new value; reloading puts the stored one back.
                await LoadAsync();
                return;
            }
        }
        await UpdateAsync(user, new UserChanges(Role: role), $"{user.Email} is now {role.ToString().ToLowerInvariant()}.");
    }

    private async Task SetEnabledAsync(UserInfo user, bool enabled)
    {
        if (!enabled)
        {
            var confirmed = await dialogs.ShowMessageBoxAsync(
                $"Disable {user.Email}?",
                "Their console sessions end and their tokens stop working until they are enabled again.",
                yesText: "Disable", cancelText: "Cancel");
            if (confirmed != true) return;
        }
        await UpdateAsync(user, new UserChanges(Disabled: !enabled), enabled ? $"{user.Email} is enabled." : $"{user.Email} is disabled.");
    }

    private async Task UpdateAsync(UserInfo user, UserChanges changes, string done)
    {
        if (!await AllowedAsync()) return;
        _error = null;
        _busy.Add(user.Id);
        try
        {
            await users.UpdateAsync(user.Id, changes);
            snackbar.Add(done, Severity.Success);
        }
        catch (ServiceException ex)
        {
            // e.g. "At least one enabled admin must remain.": shown where it stays readable, not in a passing toast.
            _error = $"{user.Email}: {ex.Message}";
        }
        finally
        {
            _busy.Remove(user.Id);
        }
        // Reload either way, so a refused change shows the value actually stored.
        await LoadAsync();
    }

    private async Task ResetPasswordAsync(UserInfo user)
    {
        if (!await AllowedAsync()) return;
        var parameters = new DialogParameters<ResetPasswordDialog> { { d => d.User, user } };
        var dialog = await dialogs.ShowAsync<ResetPasswordDialog>("Reset password", parameters,
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, CloseOnEscapeKey = true });
        if (await dialog.Result is { Canceled: false })
        {
            snackbar.Add($"The password of {user.Email} is reset; their sessions have ended.", Severity.Success);
        }
    }
}
