using TasksConsole.Core.Functions;
using TasksConsole.Web.Components.Shared;

namespace TasksConsole.Web.Functions;

/// <summary>Short human wording for a function's settings, shared by the list and the detail page.</summary>
public static class FunctionText
{
    /// <summary>
    /// What disabling does, as the engine does it: the dispatcher leaves a disabled function's tasks out, so they stay
    /// <c>new</c> and run once it is enabled again (a task already claimed is released back).
    /// </summary>
    public static string Disabled(string name) =>
        $"{name} is disabled: its tasks wait, still new, and run when it is enabled again.";

    public static string RetrySummary(FunctionRecord function)
    {
        if (!function.RetryEnabled) return "No retries";
        var delays = string.Join(", ", function.RetryDelaysSeconds.Select(s => TimeText.Seconds(s)));
        var retries = function.RetryDelaysSeconds.Count == 1 ? "1 retry" : $"{function.RetryDelaysSeconds.Count} retries";
        var errors = function.ErrorsToRetry.Count switch
        {
            0 => "any error",
            1 => function.ErrorsToRetry[0],
            var n => $"{n} error names",
        };
        return $"{retries} ({delays}) on {errors}";
    }

    public static string PermissionMode(string mode) => mode switch
    {
        FunctionPermissionModes.PermissionRequired => "Permission required",
        FunctionPermissionModes.AllUsers => "All signed-in users",
        FunctionPermissionModes.Public => "Public",
        _ => mode,
    };

    public static string PermissionModeHelp(string mode) => mode switch
    {
        FunctionPermissionModes.PermissionRequired => "Direct execution needs EXECUTE_TASK_FUNCTION; API calls need EXECUTE_API_FUNCTION.",
        FunctionPermissionModes.AllUsers => "Any signed-in user may execute it directly or call it as an API.",
        FunctionPermissionModes.Public => "Anyone may execute it directly or call it as an API, even without signing in (rate limited).",
        _ => "",
    };

    public static string ConcurrencyLimit(int? limit) => limit is { } n ? n.ToString() : "None";

    public static string FunctionHref(string name) => "/functions/" + Uri.EscapeDataString(name);
}
