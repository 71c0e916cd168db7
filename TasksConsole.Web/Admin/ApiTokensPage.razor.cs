using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Common;
using TasksConsole.Web.Auth;

namespace TasksConsole.Web.Admin;

public partial class ApiTokensPage(ApiTokenService tokens, IDialogService dialogs, ISnackbar snackbar, TimeProvider clock)
{
    private IReadOnlyList<ApiTokenInfo> _tokens = [];
    private bool _canManage;
    private bool _loading;
    private string? _error;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        _canManage = (await AuthenticationState).User.HasPermission(Permissions.ManageApiTokens);
        if (_canManage) await LoadAsync();
    }

    private async Task LoadAsync()
    {
        _loading = true;
        try
        {
            _tokens = await tokens.ListAsync();
        }
        finally
        {
            _loading = false;
        }
    }

    private (string Label, Color Color) StateOf(ApiTokenInfo token) => token switch
    {
        { RevokedTimestamp: not null } => ("Revoked", Color.Error),
        { ExpiresTimestamp: { } expires } when expires <= clock.GetUtcNow() => ("Expired", Color.Default),
        _ => ("Active", Color.Success),
    };

    private async Task<bool> AllowedAsync()
    {
        _canManage = (await AuthenticationState).User.HasPermission(Permissions.ManageApiTokens);
        if (!_canManage) _error = $"Managing API tokens needs the {Permissions.ManageApiTokens} permission.";
        return _canManage;
    }

    private async Task CreateAsync()
    {
        if (!await AllowedAsync()) return;
        var dialog = await dialogs.ShowAsync<CreateApiTokenDialog>("Create API token", new DialogOptions
        {
            MaxWidth = MaxWidth.Small,
            FullWidth = true,
            // Once the token is shown, a stray click or Escape must not throw it away unread.
            BackdropClick = false,
            CloseOnEscapeKey = false,
        });
        if (await dialog.Result is { Canceled: false, Data: ApiTokenInfo created })
        {
            snackbar.Add($"The token {created.Name} is active.", Severity.Success);
            await LoadAsync();
        }
    }

    private async Task RevokeAsync(ApiTokenInfo token)
    {
        if (!await AllowedAsync()) return;
        var confirmed = await dialogs.ShowMessageBoxAsync(
            $"Revoke {token.Name}?",
            "Requests with this token are refused from now on. This cannot be undone; automation using it needs a new token.",
            yesText: "Revoke", cancelText: "Cancel");
        if (confirmed != true) return;
        try
        {
            await tokens.RevokeAsync(token.Id);
            snackbar.Add($"The token {token.Name} is revoked.", Severity.Success);
        }
        catch (ServiceException ex)
        {
            _error = ex.Message;
        }
        await LoadAsync();
    }
}
