using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Options;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Execution;
using TasksConsole.Web.Auth;

namespace TasksConsole.Web.Admin;

/// <summary>
/// The nodes sharing the store, from their heartbeat rows. It reads them again every few seconds, so heartbeat ages
/// move and a node that stops shows up as dead without a reload.
/// </summary>
public partial class NodesPage(NodeQueries nodes, IOptions<ExecutionOptions> options, TimeProvider clock) : IDisposable
{
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _leaving = new();
    private IReadOnlyList<NodeInfo> _nodes = [];
    private TimeSpan _timeout;
    private bool _allowed;
    private bool _loading;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        _timeout = options.Value.NodeTimeout;
        _allowed = (await AuthenticationState).User.HasPermission(Permissions.AccessJobDashboard);
        if (!_allowed) return;
        await LoadAsync();
        _ = RefreshLoopAsync(_leaving.Token);
    }

    private async Task LoadAsync()
    {
        _loading = true;
        try
        {
            _nodes = await nodes.ListAsync(_leaving.Token);
        }
        finally
        {
            _loading = false;
        }
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

    /// <summary>The release part of an informational version: the build metadata (a commit hash) is in the tooltip.</summary>
    private static string ShortVersion(string version) => version.Split('+')[0];

    public void Dispose()
    {
        _leaving.Cancel();
        _leaving.Dispose();
    }
}
