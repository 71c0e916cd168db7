using Microsoft.EntityFrameworkCore;
using TasksConsole.Core.Data;

namespace TasksConsole.Core.Events;

/// <summary>A page of task_failed events, newest first, with the total the filter matches.</summary>
public sealed record TaskFailedEventPage(IReadOnlyList<TaskFailedEventRecord> Events, long Total, int Offset, int Limit);

/// <summary>Reads the persisted task_failed events for the console's feed.</summary>
public sealed class TaskEventQueries(IDbContextFactory<TasksDbContext> dbFactory)
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    /// <summary>
    /// Newest first. <paramref name="functionFilter"/> keeps the events whose function name contains it, ignoring
    /// case (as <see cref="Matches"/> does for events that arrive live).
    /// </summary>
    public async Task<TaskFailedEventPage> FindFailedAsync(
        string? functionFilter = null, int offset = 0, int limit = DefaultLimit, CancellationToken cancellationToken = default)
    {
        offset = Math.Max(0, offset);
        limit = Math.Clamp(limit, 1, MaxLimit);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var events = db.TaskFailedEvents.AsNoTracking();
        if (Normalize(functionFilter) is { } filter)
        {
            var pattern = "%" + EscapeLike(filter) + "%";
            events = events.Where(e => EF.Functions.Like(e.FunctionName, pattern, LikeEscape));
        }
        var total = await events.LongCountAsync(cancellationToken);
        // Ids are time-ordered, so they break ties between events of the same millisecond in creation order.
        var page = await events
            .OrderByDescending(e => e.CreationTimestamp).ThenByDescending(e => e.Id)
            .Skip(offset).Take(limit)
            .ToListAsync(cancellationToken);
        return new TaskFailedEventPage(page, total, offset, limit);
    }

    /// <summary>The in-memory twin of the filter in <see cref="FindFailedAsync"/>, for events the live feed brings.</summary>
    public static bool Matches(string functionName, string? functionFilter) =>
        Normalize(functionFilter) is not { } filter || functionName.Contains(filter, StringComparison.OrdinalIgnoreCase);

    private const string LikeEscape = "\\";

    private static string? Normalize(string? filter) => string.IsNullOrWhiteSpace(filter) ? null : filter.Trim();

    // Function names may contain '_', which LIKE would otherwise take for "any character".
    private static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
}
