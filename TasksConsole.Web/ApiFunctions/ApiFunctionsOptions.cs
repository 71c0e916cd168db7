namespace TasksConsole.Web.ApiFunctions;

/// <summary>Settings under <c>ApiFunctions</c>.</summary>
public sealed class ApiFunctionsOptions
{
    public const string Section = "ApiFunctions";

    /// <summary>Anonymous calls to <c>public</c> functions each client address may make per <see cref="PublicWindow"/>.</summary>
    public int PublicPermitLimit { get; set; } = 100;

    public TimeSpan PublicWindow { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The largest request body passed to a function. Lambda takes at most 6 MB of event, and a binary body grows by
    /// a third as base64, so 4 MB keeps every accepted request invocable.
    /// </summary>
    public int MaxBodyBytes { get; set; } = 4 * 1024 * 1024;
}
