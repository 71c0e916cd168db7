namespace TasksConsole.Core.Views;

/// <summary>
/// A named filter of the tasks page: its console query string (<c>status=failed&amp;fn=resize</c>), kept for its owner
/// or shared with everyone, and optionally pinned to the dashboard with a live count.
/// </summary>
public sealed class SavedViewRecord
{
    public const int MaxNameLength = 100;
    public const int MaxQueryLength = 4000;

    public required string Id { get; set; }
    public required string Name { get; set; }

    /// <summary>The tasks page's query string, without the '?': what the view opens.</summary>
    public required string Query { get; set; }

    public required string OwnerUserId { get; set; }

    /// <summary>The owner's name when the view was saved, shown beside shared views.</summary>
    public string? OwnerName { get; set; }

    /// <summary>Everyone sees a shared view; only its owner sees one that is not.</summary>
    public bool Shared { get; set; }

    /// <summary>Shown on the dashboard with a live count: the owner's, and everyone's when shared.</summary>
    public bool Pinned { get; set; }

    public DateTimeOffset CreationTimestamp { get; set; }
}
