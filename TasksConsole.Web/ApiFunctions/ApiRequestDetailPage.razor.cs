using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using TasksConsole.Core.ApiFunctions;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Tasks;
using TasksConsole.Web.Auth;

namespace TasksConsole.Web.ApiFunctions;

/// <summary>One API request: what was called, how it ended, and the function's log lines for it.</summary>
public sealed partial class ApiRequestDetailPage(ApiRequestService requests)
{
    public const int MaxLogLines = 1000;

    private ApiRequestRecord? _request;
    private IReadOnlyList<TaskLogLine> _logs = [];
    private bool _loaded;
    private string? _loadError;

    [Parameter]
    public string Id { get; set; } = "";

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    protected override async Task OnParametersSetAsync()
    {
        _request = null;
        _loaded = false;
        _loadError = null;
        try
        {
            _request = await requests.FindByIdAsync(Id);
            if (_request is not null && (await AuthenticationState).User.HasPermission(Permissions.ViewApiFunctionRequestLogs))
            {
                // The task log view renders any function log; API request lines have the same shape.
                _logs = (await requests.GetLogsAsync(_request.Id, since: null, MaxLogLines))
                    .Select(line => new TaskLogLine { Id = line.Id, TaskId = line.ApiRequestId, Timestamp = line.Timestamp, Message = line.Message })
                    .ToList();
            }
            _loaded = true;
        }
        catch (Exception ex)
        {
            _loadError = $"The API request could not be loaded: {ex.Message}";
        }
    }
}
