using Microsoft.Extensions.Hosting;

namespace TasksConsole.Core.Tasks.Reruns;

/// <summary>Runs the re-run jobs started on this node (see <see cref="TaskReruns.StartJobAsync"/>).</summary>
public sealed class RerunJobRunner(TaskReruns reruns) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await reruns.RunJobsAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: a job cut short here reports as interrupted once its progress goes stale.
        }
    }
}
