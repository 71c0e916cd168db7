namespace TasksConsole.Core.Execution;

/// <summary>
/// The durable queue between dispatching and running: it carries a claimed batch to a worker, which hands it to
/// <see cref="TaskRunner.RunBatchAsync"/>. The host provides it (Hangfire in the app, the thread pool in tests).
/// </summary>
public interface ITaskBatchQueue
{
    void Enqueue(string claimToken, IReadOnlyList<string> taskIds);
}
