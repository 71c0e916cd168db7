using TasksConsole.Core.Rql;
using TasksConsole.Core.Tasks;

namespace TasksConsole.Web.Tasks;

/// <summary>What a batch of live changes did to the task list: rows changed in place, new tasks that match.</summary>
public readonly record struct LiveMergeResult(bool RowsChanged, int NewMatching);

/// <summary>
/// Folds a batch of live changes into the rows on screen: a row whose task changed status changes in place, and
/// created tasks that match the filter are counted (not added: where they go is the list's decision).
/// </summary>
public sealed class TaskListLiveMerge(TaskQueries queries)
{
    public async Task<LiveMergeResult> MergeAsync(
        IReadOnlyList<TaskChange> batch, IReadOnlyDictionary<string, TaskRecord> rowsById, TaskFilter filter)
    {
        var rowsChanged = false;
        List<TaskChange>? created = null;
        foreach (var change in batch)
        {
            if (rowsById.TryGetValue(change.TaskId, out var row))
            {
                if (change.Kind != TaskChangeKind.StatusChanged || row.Status == change.Status) continue;
                row.Status = change.Status;
                row.StatusChangedTimestamp = change.Timestamp;
                if (change.Failure is { } failure) row.SetError(failure.ErrorType, failure.ErrorName, failure.ErrorMessage);
                rowsChanged = true;
            }
            else if (change.Kind == TaskChangeKind.Created && filter.CouldMatch(change))
            {
                (created ??= []).Add(change);
            }
        }

        var matching = created?.Count ?? 0;
        if (matching > 0 && filter.OnlyTheStoreCanJudge)
        {
            // Only the store knows start times and data: one count query for the whole batch.
            var ids = new RqlCondition(RqlOperator.In, "id", created!.Select(c => RqlValue.String(c.TaskId)).ToList(), []);
            var conditions = filter.ToRqlNode();
            matching = (int)await queries.CountAsync(conditions is null ? ids : new RqlLogical(RqlOperator.And, [conditions, ids]));
        }
        return new LiveMergeResult(rowsChanged, matching);
    }
}
