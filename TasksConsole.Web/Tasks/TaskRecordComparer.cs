using TasksConsole.Core.Tasks;

namespace TasksConsole.Web.Tasks;

/// <summary>Rows are the same task when their ids are: selection survives reloads, which bring new objects.</summary>
public sealed class TaskRecordComparer : IEqualityComparer<TaskRecord>
{
    public static readonly TaskRecordComparer Instance = new();

    public bool Equals(TaskRecord? x, TaskRecord? y) => string.Equals(x?.Id, y?.Id, StringComparison.Ordinal);

    public int GetHashCode(TaskRecord obj) => obj.Id.GetHashCode(StringComparison.Ordinal);
}
