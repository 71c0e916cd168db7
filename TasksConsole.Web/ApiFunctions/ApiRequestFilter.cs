using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;
using TasksConsole.Core.ApiFunctions;
using TasksConsole.Core.Tasks;

namespace TasksConsole.Web.ApiFunctions;

/// <summary>
/// The API requests page's filters, as they appear in its URL (<c>?fn=api-demo&amp;method=GET&amp;outcome=runtime</c>)
/// and as the RQL they stand for. Values that could not have come from the page are dropped rather than refused.
/// </summary>
public sealed record ApiRequestFilter(string? FunctionName = null, string? Method = null, string? Outcome = null)
{
    public const string Succeeded = "ok";
    public static readonly IReadOnlyList<string> Methods = ["GET", "POST", "PUT", "PATCH", "DELETE"];
    public static readonly IReadOnlyList<string> Outcomes = [Succeeded, .. ApiRequestErrorTypes.All];

    public static ApiRequestFilter FromQuery(string? functionName, string? method, string? outcome) => new(
        TaskLimits.IsValidFunctionName(functionName) ? functionName : null,
        method is not null && Methods.Contains(method) ? method : null,
        outcome is not null && Outcomes.Contains(outcome) ? outcome : null);

    /// <summary>Function names, methods and outcomes hold no RQL delimiters, so they go in as they are.</summary>
    public string ToRql(int offset, int limit)
    {
        var conditions = new List<string>();
        if (FunctionName is not null) conditions.Add($"eq(functionName,{FunctionName})");
        if (Method is not null) conditions.Add($"eq(method,{Method})");
        if (Outcome == Succeeded) conditions.Add("excludes(error.type)");
        else if (Outcome is not null) conditions.Add($"eq(error.type,{Outcome})");
        conditions.Add(string.Create(CultureInfo.InvariantCulture, $"sort(-timestamp)&limit({limit},{offset})"));
        return string.Join('&', conditions);
    }

    public bool Matches(ApiRequestRecord request) =>
        (FunctionName is null || request.FunctionName == FunctionName)
        && (Method is null || request.Method == Method)
        && (Outcome is null || (Outcome == Succeeded ? request.ErrorType is null : request.ErrorType == Outcome));

    public string ToUrl(string path = "/api-requests")
    {
        var query = new Dictionary<string, string?>();
        if (FunctionName is not null) query["fn"] = FunctionName;
        if (Method is not null) query["method"] = Method;
        if (Outcome is not null) query["outcome"] = Outcome;
        return QueryHelpers.AddQueryString(path, query);
    }
}
