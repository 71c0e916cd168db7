using Microsoft.AspNetCore.Components;
using TasksConsole.Core.Audit;
using TasksConsole.Core.Rql;

namespace TasksConsole.Web.Audit;

/// <summary>The audit trail for admins: filters in the address (action, actor, target, time window), pages of 50, CSV export.</summary>
public sealed partial class AuditPage(AuditTrail audit, NavigationManager navigation, TimeProvider clock)
{
    [SupplyParameterFromQuery(Name = "action")] public string? Action { get; set; }
    [SupplyParameterFromQuery(Name = "actor")] public string? Actor { get; set; }
    [SupplyParameterFromQuery(Name = "target")] public string? Target { get; set; }
    [SupplyParameterFromQuery(Name = "since")] public string? Since { get; set; }
    [SupplyParameterFromQuery(Name = "offset")] public int? Offset { get; set; }

    private string? _action;
    private string? _actor;
    private string? _target;
    private string? _since;
    private RqlPage<AuditRecord>? _page;
    private string? _error;
    private AuditPageQuery _query = new(null, null, null, null);

    private string ExportUrl => _query.ToRql(clock.GetUtcNow()) is { Length: > 0 } rql ? $"{AuditEndpoints.ExportPath}?{rql}" : AuditEndpoints.ExportPath;

    protected override async Task OnParametersSetAsync()
    {
        _query = new AuditPageQuery(Action, Actor, Target, Since);
        (_action, _actor, _target, _since) = (_query.Action, _query.Actor, _query.Target, _query.Since ?? "");
        try
        {
            _page = await audit.FindAsync(new RqlQuery
            {
                Filter = _query.ToFilter(clock.GetUtcNow()),
                Limit = AuditPageQuery.PageSize,
                Offset = Math.Max(0, Offset ?? 0),
            });
            _error = null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _error = $"The audit trail could not be read: {ex.Message}";
        }
    }

    private void Apply() => navigation.NavigateTo(new AuditPageQuery(_action, _actor, _target, _since).ToUrl(offset: 0));

    private string PageUrl(int offset) => _query.ToUrl(offset);
}
