using Microsoft.EntityFrameworkCore;
using TasksConsole.Core.Rql;
using TasksConsole.Core.Tasks;
using TasksConsole.Tests.Infrastructure;

namespace TasksConsole.Tests.Tasks;

public sealed class TagQueuePlanTests
{
    [Theory]
    [InlineData("eq(tags,red)&eq(status,new)&sort(-priority,+startTimestamp)&limit(7,0)")]
    [InlineData("eq(tags,red)&eq(status,new)&sort(-priority,+startTimestamp)&limit(7,14)")]
    [InlineData("eq(status,complete)&eq(tags,blue)&sort(-priority,+startTimestamp)&limit(50,3)")]
    [InlineData("eq(tags,red)&in(status,new,failed)&sort(-priority,+startTimestamp)")]
    [InlineData("eq(tags,green)&eq(status,canceled)")]
    [InlineData("and(eq(tags,blue),eq(status,failed))&sort(-creationTimestamp)&limit(10,5)")]
    public async Task TagIndexAnswers_MatchTheGeneralTranslation_AfterStatusChanges(string rql)
    {
        await using var database = await TestDatabase.CreateAsync();
        await SeedAsync(database);
        var queries = new TaskQueries(database.Factory);
        var query = RqlParser.Parse(rql);

        var viaIndex = await queries.FindAsync(query, useShortcuts: true, TaskQueries.MaxLimit, CancellationToken.None);
        var general = await queries.FindAsync(query, useShortcuts: false, TaskQueries.MaxLimit, CancellationToken.None);

        Assert.NotNull(TagQueuePlan.TryCreate(query.Filter));
        Assert.True(general.Total > 0, "the seed must give the query something to find");
        Assert.Equal(general.Total, viaIndex.Total);
        Assert.Equal(general.Tasks.Select(t => t.Id), viaIndex.Tasks.Select(t => t.Id));
    }

    [Theory]
    [InlineData("eq(tags,red)")]
    [InlineData("eq(tags,red)&ne(status,new)")]
    [InlineData("eq(tags,red)&eq(status,new)&eq(functionName,f)")]
    [InlineData("or(eq(tags,red),eq(status,new))")]
    [InlineData("eq(tags,red)&eq(status,bogus)")]
    public void FiltersItCannotAnswerExactly_TakeTheGeneralPath(string rql)
    {
        Assert.Null(TagQueuePlan.TryCreate(RqlParser.Parse(rql).Filter));
    }

    /// <summary>200 tasks over three tags with repeated priorities and start times, then status changes made in SQL.</summary>
    private static async Task SeedAsync(TestDatabase database)
    {
        var random = new Random(42);
        var service = new TaskService(database.Factory, TimeProvider.System, new TaskChangeFeed());
        string[] tags = ["red", "blue", "green"];
        var start = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await using var db = database.CreateContext();
        for (var i = 0; i < 200; i++)
        {
            var task = service.BuildTask(new NewTask(
                "f",
                Priority: random.Next(0, 4),
                StartTimestamp: start.AddMinutes(random.Next(0, 5)),
                Tags: tags.Where(_ => random.Next(2) == 0).DefaultIfEmpty("red").ToList()), Caller.System);
            db.Tasks.Add(task);
        }
        await db.SaveChangesAsync();

        // Status changes go through plain UPDATEs, as the engine's do: the tag index must follow them by itself.
        var ids = await db.Tasks.Select(t => t.Id).ToListAsync();
        TaskState[] states = [TaskState.Complete, TaskState.Failed, TaskState.Canceled];
        foreach (var id in ids.Where(_ => random.Next(3) > 0))
        {
            var state = states[random.Next(states.Length)];
            await db.Tasks.Where(t => t.Id == id).ExecuteUpdateAsync(set => set.SetProperty(t => t.Status, state));
        }
    }
}
