namespace TasksConsole.Web.ApiFunctions;

/// <summary>Settings under <c>ApiFunctions</c>.</summary>
public sealed class ApiFunctionsOptions
{
    public const string Section = "ApiFunctions";

    /// <summary>
    /// The largest request body passed to a function. Lambda takes at most 6 MB of event, and a binary body grows by
    /// a third as base64, so 4 MB keeps every accepted request invocable.
    /// </summary>
    public int MaxBodyBytes { get; set; } = 4 * 1024 * 1024;
}
