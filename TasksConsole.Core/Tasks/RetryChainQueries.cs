using Microsoft.EntityFrameworkCore;
using TasksConsole.Core.Data;

namespace TasksConsole.Core.Tasks;

/// <summary>
/// One attempt of a retry chain, with only what a chain view shows: the data and result stay behind because they
/// may be hundreds of kilobytes per attempt.
/// </summary>
public sealed record RetryAttempt(
    string Id,
    TaskState Status,
    DateTimeOffset CreationTimestamp,
    DateTimeOffset StartTimestamp,
    DateTimeOffset? ExecutionStartTimestamp,
    DateTimeOffset? ExecutionEndTimestamp,
    string? ErrorType,
    string? ErrorName,
    string? ErrorMessage,
    string? RetriedByTaskId)
{
    public TimeSpan? Duration => ExecutionStartTimestamp is { } started && ExecutionEndTimestamp is { } ended ? ended - started : null;

    /// <summary>
    /// How long after its creation the attempt was due. For a retry that is the delay the retry policy chose, because
    /// the outcome writer creates the retry at the moment it records the failure it retries.
    /// </summary>
    public TimeSpan ScheduledDelay => StartTimestamp > CreationTimestamp ? StartTimestamp - CreationTimestamp : TimeSpan.Zero;

    public static RetryAttempt From(TaskRecord task) => new(
        task.Id, task.Status, task.CreationTimestamp, task.StartTimestamp, task.ExecutionStartTimestamp, task.ExecutionEndTimestamp,
        task.ErrorType, task.ErrorName, task.ErrorMessage, task.RetriedByTaskId);
}

/// <summary>Reads a task's whole retry chain, first attempt to last, from any attempt in it.</summary>
public sealed class RetryChainQueries(IDbContextFactory<TasksDbContext> dbFactory)
{
    /// <summary>
    /// Bounds the forward walk. Retry policies allow at most ten retries, so a longer chain can only come from
    /// corrupt links, and must not turn a page load into an endless loop.
    /// </summary>
    public const int MaxAttempts = 100;

    /// <summary>
    /// The earlier attempts come from <see cref="TaskRecord.RetryForTaskIds"/> in one query; the later ones are
    /// found by following <see cref="TaskRecord.RetriedByTaskId"/>, one primary-key read per attempt, because no
    /// index leads from an attempt to its successors otherwise. Attempts that no longer exist are left out.
    /// </summary>
    public async Task<IReadOnlyList<RetryAttempt>> LoadAsync(TaskRecord task, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var chain = new List<RetryAttempt>();
        if (task.RetryForTaskIds.Count > 0)
        {
            var ids = task.RetryForTaskIds;
            var earlier = await Attempts(db.Tasks.Where(t => ids.Contains(t.Id))).ToDictionaryAsync(a => a.Id, cancellationToken);
            chain.AddRange(ids.Select(id => earlier.GetValueOrDefault(id)).OfType<RetryAttempt>());
        }
        chain.Add(RetryAttempt.From(task));

        var seen = chain.Select(a => a.Id).ToHashSet(StringComparer.Ordinal);
        var next = task.RetriedByTaskId;
        while (next is not null && chain.Count < MaxAttempts && seen.Add(next))
        {
            var id = next;
            var attempt = await Attempts(db.Tasks.Where(t => t.Id == id)).SingleOrDefaultAsync(cancellationToken);
            if (attempt is null) break;
            chain.Add(attempt);
            next = attempt.RetriedByTaskId;
        }
        return chain;
    }

    private static IQueryable<RetryAttempt> Attempts(IQueryable<TaskRecord> tasks) => tasks.AsNoTracking().Select(t => new RetryAttempt(
        t.Id, t.Status, t.CreationTimestamp, t.StartTimestamp, t.ExecutionStartTimestamp, t.ExecutionEndTimestamp,
        t.ErrorType, t.ErrorName, t.ErrorMessage, t.RetriedByTaskId));
}
