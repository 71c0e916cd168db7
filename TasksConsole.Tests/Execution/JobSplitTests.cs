using CsCheck;
using TasksConsole.Core.Execution;

namespace TasksConsole.Tests.Execution;

/// <summary>How a claim's tasks go out as Hangfire jobs: few jobs, none much over the batch size, queue order kept.</summary>
public sealed class JobSplitTests
{
    [Theory]
    [InlineData(1, 64, new[] { 1 })]
    [InlineData(64, 64, new[] { 64 })]
    [InlineData(66, 64, new[] { 66 })] // a thin stream's full job and the few that arrived meanwhile: one job, not 64 and 2
    [InlineData(80, 64, new[] { 80 })]
    [InlineData(81, 64, new[] { 40, 41 })]
    [InlineData(130, 64, new[] { 65, 65 })]
    [InlineData(256, 64, new[] { 64, 64, 64, 64 })]
    [InlineData(3, 1, new[] { 1, 1, 1 })]
    [InlineData(5, 2, new[] { 1, 2, 2 })]
    public void AClaim_GoesOutInTheFewestJobsOfAboutTheBatchSize(int claimed, int batchSize, int[] jobSizes)
    {
        var ids = Enumerable.Range(0, claimed).Select(i => $"t{i}").ToList();

        var jobs = TaskDispatcher.SplitIntoJobs(ids, batchSize);

        Assert.Equal(jobSizes, jobs.Select(job => job.Length).ToArray());
        Assert.Equal(ids, jobs.SelectMany(job => job).ToList());
    }

    [Fact]
    public void EveryClaim_KeepsEachTaskOnceInQueueOrder_InJobsOfAtMostAQuarterOverTheBatchSize_AsFewAsThatAllows()
    {
        Gen.Select(Gen.Int[0, 600], Gen.Int[1, 128]).Sample((claimed, batchSize) =>
        {
            var ids = Enumerable.Range(0, claimed).Select(i => $"t{i}").ToList();
            var largest = batchSize + batchSize / 4;

            var jobs = TaskDispatcher.SplitIntoJobs(ids, batchSize);

            Assert.Equal(ids, jobs.SelectMany(job => job).ToList());
            Assert.All(jobs, job => Assert.InRange(job.Length, 1, largest));
            Assert.Equal((claimed + largest - 1) / largest, jobs.Count);
            if (jobs.Count > 0) Assert.InRange(jobs.Max(job => job.Length) - jobs.Min(job => job.Length), 0, 1);
        });
    }
}
