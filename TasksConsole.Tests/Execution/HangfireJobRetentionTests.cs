using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using TasksConsole.Core.Data;
using TasksConsole.Core.Execution;
using TasksConsole.Tests.Infrastructure;

namespace TasksConsole.Tests.Execution;

/// <summary>A finished Hangfire job is kept for Execution:JobRetention (an hour by default), not Hangfire's own day.</summary>
public class HangfireJobRetentionTests
{
    [Theory]
    [InlineData(StorageProvider.Sqlite, "00:10:00")]
    [InlineData(StorageProvider.PostgreSql, "00:10:00")]
    [InlineData(StorageProvider.Sqlite, null)]
    public async Task A_finished_batch_job_expires_after_the_job_retention(StorageProvider provider, string? retention)
    {
        await using var node = new TasksConsoleFactory { Provider = provider };
        if (retention is not null) node.Settings["Execution:JobRetention"] = retention;
        var expected = retention is null ? TimeSpan.FromHours(1) : TimeSpan.Parse(retention, System.Globalization.CultureInfo.InvariantCulture);
        var monitoring = node.Services.GetRequiredService<JobStorage>().GetMonitoringApi();

        var batch = $"retention-{Guid.NewGuid():N}";
        node.Services.GetRequiredService<ITaskBatchQueue>().Enqueue(batch, ["no-such-task"]);
        string? jobId = null;
        await Poll.UntilAsync(() =>
        {
            jobId = monitoring.SucceededJobs(0, 100).FirstOrDefault(job => job.Value.Job?.Args.FirstOrDefault() as string == batch).Key;
            return jobId is not null;
        }, TimeSpan.FromSeconds(60), "the batch job to succeed");

        var expireAt = monitoring.JobDetails(jobId).ExpireAt;
        Assert.NotNull(expireAt);
        var keptFor = expireAt.Value - DateTime.UtcNow;
        Assert.InRange(keptFor, expected - TimeSpan.FromMinutes(1), expected);
    }
}
