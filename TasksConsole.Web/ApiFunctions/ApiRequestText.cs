using System.Globalization;
using MudBlazor;
using TasksConsole.Core.ApiFunctions;

namespace TasksConsole.Web.ApiFunctions;

/// <summary>How the console shows an API request's outcome and duration.</summary>
public static class ApiRequestText
{
    public static string Outcome(string? outcome) => outcome switch
    {
        null => "Any outcome",
        ApiRequestFilter.Succeeded => "Answered",
        ApiRequestErrorTypes.Invocation => "Invocation error",
        ApiRequestErrorTypes.Runtime => "Runtime error",
        ApiRequestErrorTypes.Response => "Invalid response",
        _ => outcome,
    };

    public static Color StatusColor(ApiRequestRecord request) => request switch
    {
        { ErrorType: not null } => Color.Error,
        { StatusCode: >= 400 } => Color.Warning,
        _ => Color.Success,
    };

    public static string Duration(double seconds) =>
        seconds < 1
            ? (seconds * 1000).ToString("0.#", CultureInfo.InvariantCulture) + " ms"
            : seconds.ToString("0.00", CultureInfo.InvariantCulture) + " s";

    public static string Href(string id) => "/api-requests/" + id;
}
