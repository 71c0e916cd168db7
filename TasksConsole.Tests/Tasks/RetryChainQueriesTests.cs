using TasksConsole.Core.Tasks;
using TasksConsole.Tests.Infrastructure;
using static TasksConsole.Tests.Infrastructure.ConsoleStore;

namespace TasksConsole.Tests.Tasks;

public sealed class RetryChainQueriesTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task LoadsTheWholeChain_FromAnyAttempt(int from)
    {
        await using var database = await TestDatabase.CreateAsync();
        var first = TaskRow(1, TaskState.Retried);
        first.RetriedByTaskId = Id(2);
        var second = TaskRow(2, TaskState.Retried);
        second.RetryForTaskIds = [Id(1)];
        second.RetriedByTaskId = Id(3);
        var third = TaskRow(3, TaskState.Complete);
        third.RetryForTaskIds = [Id(1), Id(2)];
        await database.SeedAsync(third, first, second, TaskRow(4));

        var chain = await new RetryChainQueries(database.Factory).LoadAsync(await database.ReadTaskAsync(from));

        Assert.Equal([Id(1), Id(2), Id(3)], chain.Select(a => a.Id));
        Assert.Equal([TaskState.Retried, TaskState.Retried, TaskState.Complete], chain.Select(a => a.Status));
    }

    [Fact]
    public async Task AnAttemptWithoutRetries_IsAChainOfOne()
    {
        await using var database = await TestDatabase.CreateAsync();
        await database.SeedAsync(TaskRow(1, TaskState.Complete));

        var chain = await new RetryChainQueries(database.Factory).LoadAsync(await database.ReadTaskAsync(1));

        Assert.Equal([Id(1)], chain.Select(a => a.Id));
    }
}
