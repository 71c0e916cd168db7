using System.Text.Json;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Routing;
using MudBlazor;
using TasksConsole.Core.Audit;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Common;
using TasksConsole.Core.Functions;
using TasksConsole.Core.Rql;
using TasksConsole.Core.Tasks;
using TasksConsole.Web.Auth;
using TasksConsole.Web.Components.Shared;

namespace TasksConsole.Web.Functions;

public partial class FunctionDetailPage(
    FunctionService functions, FunctionStatistics statistics, TaskQueries tasks, IDialogService dialogs,
    ISnackbar snackbar, NavigationManager navigation, AuditTrail audit)
{
    public const int RecentTaskCount = 20;

    private readonly Dictionary<string, string> _fieldErrors = [];
    private List<BreadcrumbItem> _breadcrumbs = [];
    private FunctionRecord? _function;
    private FunctionFormModel _model = new();
    private IReadOnlyDictionary<string, string> _environment = new Dictionary<string, string>();
    private FunctionStats _stats = FunctionStats.Empty("");
    private IReadOnlyList<TaskRecord> _tasks = [];
    private long? _taskTotal;
    private bool _loading = true;
    private bool _busy;
    private bool _canUpdate;
    private bool _canDelete;
    private bool _canRevealEnvironment;
    private bool _environmentRevealed;
    private string? _error;
    private string? _formError;
    private string? _savedForm;

    [Parameter]
    public string Name { get; set; } = "";

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    protected override async Task OnParametersSetAsync()
    {
        var user = (await AuthenticationState).User;
        _canUpdate = user.HasPermission(Permissions.UpdateTaskFunction);
        _canDelete = user.HasPermission(Permissions.DeleteTaskFunction);
        _canRevealEnvironment = user.HasPermission(Permissions.ViewTaskFunctionSecrets);
        _breadcrumbs = [new BreadcrumbItem("Functions", "/functions"), new BreadcrumbItem(Name, href: null, disabled: true)];
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        _loading = true;
        try
        {
            _function = await functions.FindAsync(Name);
            _error = null;
            if (_function is null) return;

            _environment = FunctionEnvironment.Parse(_function.EnvironmentVariablesJson) ?? new Dictionary<string, string>();
            _environmentRevealed = false;
            ResetForm();
            _stats = (await statistics.GetAsync(FunctionStatistics.DefaultWindow, _function.Name)).GetValueOrDefault(_function.Name)
                ?? FunctionStats.Empty(_function.Name);
            // Registered names are letters, digits, '-' and '_' (nothing RQL would decode); "string:" keeps "123" a string.
            var recent = await tasks.FindAsync(RqlParser.Parse($"eq(functionName,string:{_function.Name})&sort(-creationTimestamp)&limit({RecentTaskCount})"));
            _tasks = recent.Tasks;
            _taskTotal = recent.Total;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _error = $"The function could not be loaded: {ex.Message}";
            _function = null;
        }
        finally
        {
            _loading = false;
        }
    }

    /// <summary>The form holds edits that Save has not stored (the page then asks before it is left).</summary>
    private bool HasUnsavedChanges =>
        _canUpdate && _function is not null && _savedForm is not null && JsonSerializer.Serialize(_model) != _savedForm;

    private async Task ConfirmLeaveAsync(LocationChangingContext context)
    {
        if (!HasUnsavedChanges) return;
        var leave = await dialogs.ShowMessageBoxAsync(
            "Leave without saving?",
            $"Your changes to {_function!.Name} are not saved; leaving drops them.",
            yesText: "Leave", cancelText: "Stay");
        if (leave != true) context.PreventNavigation();
    }

    private void ResetForm()
    {
        if (_function is null) return;
        _model = FunctionFormModel.From(FunctionDefinition.From(_function));
        _savedForm = JsonSerializer.Serialize(_model);
        _fieldErrors.Clear();
        _formError = null;
    }

    private async Task<bool> AllowedAsync(string permission, string action)
    {
        if ((await AuthenticationState).User.HasPermission(permission)) return true;
        snackbar.Add($"{action} needs the {permission} permission.", Severity.Error);
        return false;
    }

    private async Task RevealEnvironment()
    {
        if (_function is null || !await AllowedAsync(Permissions.ViewTaskFunctionSecrets, "Revealing environment variable values")) return;
        audit.Record(AuditActions.FunctionRevealEnvironment, "function", _function.Name,
            $"Revealed the values of {_environment.Count} environment variable(s) of {_function.Name} in the console.");
        _environmentRevealed = true;
    }

    private async Task SaveAsync()
    {
        if (_function is null || !await AllowedAsync(Permissions.UpdateTaskFunction, "Editing a function")) return;
        _fieldErrors.Clear();
        _formError = null;
        var current = FunctionDefinition.From(_function);
        foreach (var (field, message) in FunctionFormErrors.Check(_model, model => model.ApplyTo(current))) _fieldErrors[field] = message;
        if (_fieldErrors.Count > 0) return;
        _busy = true;
        try
        {
            await functions.UpdateAsync(_function.Name, current => _model.ApplyTo(current));
            snackbar.Add($"{_function.Name} is saved.", Severity.Success);
            await LoadAsync();
        }
        catch (ServiceException ex)
        {
            if (FunctionFields.Of(ex) is { } field && field != FunctionFields.Name) _fieldErrors[field] = ex.Message;
            else _formError = ex.Message;
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task ToggleEnabledAsync()
    {
        if (_function is null || !await AllowedAsync(Permissions.UpdateTaskFunction, "Enabling or disabling a function")) return;
        var enable = !_function.Enabled;
        _busy = true;
        try
        {
            await functions.SetEnabledAsync(_function.Name, enable);
            snackbar.Add(enable ? $"{_function.Name} is enabled." : FunctionText.Disabled(_function.Name),
                enable ? Severity.Success : Severity.Warning);
            await LoadAsync();
        }
        catch (ServiceException ex)
        {
            snackbar.Add(ex.Message, Severity.Error);
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task DeleteAsync()
    {
        if (_function is null || !await AllowedAsync(Permissions.DeleteTaskFunction, "Deleting a function")) return;
        var confirmed = await dialogs.ShowMessageBoxAsync(
            $"Delete {_function.Name}?",
            "The function leaves the registry. Its tasks are kept, with their logs; tasks still waiting for it, and " +
            "schedules naming it, fail when they are due until a function of that name is registered again.",
            yesText: "Delete", cancelText: "Cancel");
        if (confirmed != true) return;

        _busy = true;
        try
        {
            await functions.DeleteAsync(_function.Name);
            snackbar.Add($"{_function.Name} is deleted; its tasks are kept.", Severity.Success);
            _savedForm = null;
            navigation.NavigateTo("/functions");
        }
        catch (ServiceException ex)
        {
            snackbar.Add(ex.Message, Severity.Error);
            await LoadAsync();
        }
        finally
        {
            _busy = false;
        }
    }

    private static string Duration(TimeSpan? duration) => duration is { } d && d >= TimeSpan.Zero ? TimeText.Duration(d) : "–";
}
