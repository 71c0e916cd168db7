using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Common;
using TasksConsole.Core.Webhooks;
using TasksConsole.Web.Auth;

namespace TasksConsole.Web.Webhooks;

/// <summary>
/// Webhook endpoints and, for the one chosen (<c>?endpoint=</c>, with <c>&amp;state=</c>, in the URL so it can be
/// linked), its deliveries. Delivery attempts are not task changes, so the change feed does not carry them: the page
/// reads them again every few seconds while it is open.
/// </summary>
public partial class WebhooksPage(WebhookService webhooks, NavigationManager navigation, IDialogService dialogs, ISnackbar snackbar, TimeProvider clock)
    : IDisposable
{
    private const string AllStates = "all";
    private const int DeliveriesShown = 50;
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(3);

    private readonly CancellationTokenSource _leaving = new();
    private IReadOnlyList<WebhookEndpointRecord> _endpoints = [];
    private IReadOnlyList<WebhookDeliveryRecord> _deliveries = [];
    private WebhookEndpointRecord? _selected;
    private CreatedWebhookEndpoint? _secret;
    private bool _allowed;
    private bool _loading;
    private bool _saving;
    private string? _error;
    private string? _url;
    private string? _urlError;
    private string? _description;
    private string? _functionNames;
    private bool _wantsFailed = true;
    private bool _wantsStatusChanged;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    [SupplyParameterFromQuery(Name = "endpoint")]
    public string? EndpointId { get; set; }

    [SupplyParameterFromQuery(Name = "state")]
    public string? State { get; set; }

    protected override async Task OnInitializedAsync()
    {
        _allowed = (await AuthenticationState).User.HasPermission(Permissions.ManageWebhooks);
        if (!_allowed) return;
        _loading = true;
        await LoadAsync();
        _loading = false;
        _ = RefreshLoopAsync(_leaving.Token);
    }

    protected override async Task OnParametersSetAsync()
    {
        if (_allowed && !_loading) await LoadAsync();
    }

    private async Task LoadAsync()
    {
        try
        {
            _endpoints = await webhooks.ListAsync(_leaving.Token);
            _selected = _endpoints.FirstOrDefault(e => e.Id == EndpointId) ?? (_endpoints.Count == 1 ? _endpoints[0] : null);
            _deliveries = _selected is null
                ? []
                : (await webhooks.FindDeliveriesAsync(_selected.Id, StateFilter(), 0, DeliveriesShown, _leaving.Token)).Deliveries;
        }
        catch (ServiceException ex)
        {
            _error = ex.Message;
        }
        catch (OperationCanceledException)
        {
            // The page was left.
        }
    }

    private WebhookDeliveryState? StateFilter() =>
        Enum.TryParse<WebhookDeliveryState>(State, ignoreCase: true, out var state) ? state : null;

    private string EndpointLink(string endpointId, string? state) =>
        navigation.GetUriWithQueryParameters("/admin/webhooks", new Dictionary<string, object?> { ["endpoint"] = endpointId, ["state"] = state });

    private void FilterStateAsync(string state)
    {
        if (_selected is null) return;
        navigation.NavigateTo(EndpointLink(_selected.Id, state == AllStates ? null : state));
    }

    private async Task RefreshLoopAsync(CancellationToken leaving)
    {
        try
        {
            while (!leaving.IsCancellationRequested)
            {
                await Task.Delay(RefreshInterval, clock, leaving);
                await InvokeAsync(async () =>
                {
                    await LoadAsync();
                    StateHasChanged();
                });
            }
        }
        catch (OperationCanceledException)
        {
            // The page was left.
        }
    }

    private async Task<bool> StillAllowedAsync()
    {
        _allowed = (await AuthenticationState).User.HasPermission(Permissions.ManageWebhooks);
        if (!_allowed) _error = $"Managing webhooks needs the {Permissions.ManageWebhooks} permission.";
        return _allowed;
    }

    private async Task CreateAsync()
    {
        _urlError = _error = null;
        if (!await StillAllowedAsync()) return;
        List<string> eventTypes = [];
        if (_wantsFailed) eventTypes.Add(WebhookEventTypes.TaskFailed);
        if (_wantsStatusChanged) eventTypes.Add(WebhookEventTypes.TaskStatusChanged);
        var functions = (_functionNames ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        _saving = true;
        try
        {
            _secret = await webhooks.CreateAsync(new WebhookEndpointSpec(_url, _description, eventTypes, functions.Length == 0 ? null : functions, null));
            _url = _description = _functionNames = null;
            await LoadAsync();
        }
        catch (ServiceException ex)
        {
            if (ex.Message.Contains("'url'", StringComparison.Ordinal)) _urlError = ex.Message;
            else _error = ex.Message;
        }
        finally
        {
            _saving = false;
        }
    }

    private Task SendTestAsync(WebhookEndpointRecord endpoint) => ActAsync(async () =>
    {
        await webhooks.SendTestAsync(endpoint.Id);
        snackbar.Add($"A test event is on its way to {endpoint.Url}.", Severity.Success);
        if (_selected?.Id != endpoint.Id) navigation.NavigateTo(EndpointLink(endpoint.Id, null));
    });

    private Task ToggleAsync(WebhookEndpointRecord endpoint) => ActAsync(async () =>
    {
        await webhooks.UpdateAsync(endpoint.Id, new WebhookEndpointSpec(null, null, null, null, !endpoint.Disabled));
        snackbar.Add($"{endpoint.Url} is {(endpoint.Disabled ? "enabled" : "disabled")}.", Severity.Success);
    });

    private async Task RotateAsync(WebhookEndpointRecord endpoint)
    {
        var confirmed = await dialogs.ShowMessageBoxAsync($"Rotate the secret of {endpoint.Url}?",
            "Deliveries are signed with a new secret from now on; the receiver must verify with it.", yesText: "Rotate", cancelText: "Cancel");
        if (confirmed != true) return;
        await ActAsync(async () => _secret = await webhooks.RotateSecretAsync(endpoint.Id));
    }

    private async Task DeleteAsync(WebhookEndpointRecord endpoint)
    {
        var confirmed = await dialogs.ShowMessageBoxAsync($"Delete {endpoint.Url}?",
            "The endpoint and every record of its deliveries are deleted; pending deliveries are not sent.", yesText: "Delete", cancelText: "Cancel");
        if (confirmed != true) return;
        await ActAsync(() => webhooks.DeleteAsync(endpoint.Id));
    }

    private Task RedeliverAsync(WebhookDeliveryRecord delivery) => ActAsync(async () =>
    {
        var requeued = await webhooks.RedeliverAsync(delivery.EndpointId, delivery.Id);
        snackbar.Add(requeued > 0 ? "The delivery is sent again." : "The delivery is being sent right now.", Severity.Info);
    });

    private Task RedeliverFailedAsync(WebhookEndpointRecord endpoint) => ActAsync(async () =>
    {
        var requeued = await webhooks.RedeliverFailedAsync(endpoint.Id);
        snackbar.Add(requeued == 0 ? "No failed deliveries." : $"{requeued} failed deliveries are sent again.", Severity.Info);
    });

    private async Task ActAsync(Func<Task> action)
    {
        _error = null;
        if (!await StillAllowedAsync()) return;
        try
        {
            await action();
        }
        catch (ServiceException ex)
        {
            _error = ex.Message;
        }
        await LoadAsync();
    }

    private static Color StateColor(WebhookDeliveryState state) => state switch
    {
        WebhookDeliveryState.Succeeded => Color.Success,
        WebhookDeliveryState.Failed => Color.Error,
        _ => Color.Info,
    };

    private static string StateText(WebhookDeliveryState state) => state switch
    {
        WebhookDeliveryState.Succeeded => "Succeeded",
        WebhookDeliveryState.Failed => "Failed",
        _ => "Pending",
    };

    public void Dispose()
    {
        _leaving.Cancel();
        _leaving.Dispose();
    }
}
