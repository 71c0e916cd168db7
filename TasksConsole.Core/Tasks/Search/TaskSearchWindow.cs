using Microsoft.EntityFrameworkCore;
using TasksConsole.Core.Data;
using TasksConsole.Core.Rql;

namespace TasksConsole.Core.Tasks.Search;

public sealed class TaskSearchOptions
{
    public const string Section = "Tasks:Search";

    /// <summary>
    /// The most tasks a search inside data or errors may read: every task in its creation window (the whole store
    /// without one). Past it the query is refused with a request to narrow the window, instead of running for
    /// minutes. 0 lifts the limit.
    /// </summary>
    public int MaxScannedTasks { get; set; } = 200_000;

    /// <summary>
    /// How long one list or count of tasks may run in the store before it is stopped and answered with INVALID_RQL
    /// (see <see cref="Data.QueryBudget"/>). Zero or less lifts the limit. Exports stream past it: they are long by
    /// nature, and read in bounded chunks.
    /// </summary>
    public TimeSpan QueryTimeBudget { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// Keeps searches inside tasks answerable. Conditions on <c>data.&lt;path&gt;</c>, <c>error.name</c> and
/// <c>error.message</c> use no index: they read every task that the creation window leaves. On a large store such
/// a query must name a window (<c>ge(creationTimestamp,…)</c>, optionally <c>lt</c>/<c>le</c>) that holds at most
/// <see cref="TaskSearchOptions.MaxScannedTasks"/> tasks.
/// </summary>
public static class TaskSearchWindow
{
    /// <summary>The window the console applies to a search when the store is too large to search whole.</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromDays(1);

    /// <summary>Whether <paramref name="filter"/> has a condition that reads inside tasks (data or error text).</summary>
    public static bool SearchesInside(RqlNode? filter) => filter switch
    {
        RqlLogical logical => logical.Operands.Any(SearchesInside),
        RqlCondition condition => IsInside(condition.Field),
        _ => false,
    };

    public static bool IsInside(string field) =>
        field.StartsWith(TaskDataPath.Prefix, StringComparison.Ordinal) || field is "error.name" or "error.message";

    /// <summary>
    /// Refuses (INVALID_RQL) a search inside tasks whose creation window holds more than <paramref name="maxScanned"/>
    /// tasks. Counting stops at the limit, so the check itself costs at most that many index entries.
    /// </summary>
    public static async Task EnsureAnswerableAsync(TasksDbContext db, RqlNode? filter, int maxScanned, CancellationToken cancellationToken)
    {
        if (!await NeedsNarrowerWindowAsync(db, filter, maxScanned, cancellationToken)) return;

        var (from, _) = CreationWindow(filter);
        var example = TaskJson.Format(DateTimeOffset.UtcNow - DefaultWindow);
        throw RqlErrors.Invalid(
            $"Invalid RQL: a search inside task data or errors reads every task in its creation window, and " +
            (from is null ? "without a window that is the whole store, " : "this window holds ") +
            $"more than {maxScanned:N0} tasks. Narrow it with ge(creationTimestamp,…) and lt(creationTimestamp,…), " +
            $"for example ge(creationTimestamp,{example}) for the last day.");
    }

    /// <summary>Whether a search with <paramref name="filter"/> would be refused as it stands (the console then applies <see cref="DefaultWindow"/>).</summary>
    public static async Task<bool> NeedsNarrowerWindowAsync(TasksDbContext db, RqlNode? filter, int maxScanned, CancellationToken cancellationToken) =>
        maxScanned > 0 && SearchesInside(filter) && !BoundById(filter) && await CountInWindowAsync(db, filter, maxScanned + 1, cancellationToken) > maxScanned;

    private static Task<int> CountInWindowAsync(TasksDbContext db, RqlNode? filter, int cap, CancellationToken cancellationToken)
    {
        var (from, to) = CreationWindow(filter);
        var inWindow = db.Tasks.AsQueryable();
        if (from is { } start) inWindow = inWindow.Where(t => t.CreationTimestamp >= start);
        if (to is { } end) inWindow = inWindow.Where(t => t.CreationTimestamp <= end);
        return inWindow.Select(t => t.Id).Take(cap).CountAsync(cancellationToken);
    }

    /// <summary>
    /// The creation bounds every match must meet: those among the filter's top-level <c>and</c> (conditions inside an
    /// <c>or</c> bound nothing). Exclusive bounds count as inclusive; the window is only sized, not applied.
    /// </summary>
    internal static (DateTimeOffset? From, DateTimeOffset? To) CreationWindow(RqlNode? filter)
    {
        DateTimeOffset? from = null, to = null;
        foreach (var condition in TopLevelConditions(filter))
        {
            if (condition.Field != "creationTimestamp" || condition.Values.Count != 1) continue;
            if (!RqlConvert.TryToTimestamp(condition.Value, out var instant)) continue;
            switch (condition.Operator)
            {
                case RqlOperator.Ge or RqlOperator.Gt or RqlOperator.Eq:
                    if (from is null || instant > from) from = instant;
                    if (condition.Operator == RqlOperator.Eq && (to is null || instant < to)) to = instant;
                    break;
                case RqlOperator.Le or RqlOperator.Lt:
                    if (to is null || instant < to) to = instant;
                    break;
            }
        }
        return (from, to);
    }

    /// <summary>Whether the filter names the tasks by id (the console's live updates ask so of a few new tasks): then only those are read.</summary>
    private static bool BoundById(RqlNode? filter) =>
        TopLevelConditions(filter).Any(c => c is { Field: "id", Operator: RqlOperator.Eq or RqlOperator.In } && c.Values.Count <= 1000);

    private static IEnumerable<RqlCondition> TopLevelConditions(RqlNode? filter) => filter switch
    {
        RqlCondition condition => [condition],
        RqlLogical { Operator: RqlOperator.And } and => and.Operands.SelectMany(TopLevelConditions),
        _ => [],
    };
}
