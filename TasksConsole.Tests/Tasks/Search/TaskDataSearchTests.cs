using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TasksConsole.Core.Common;
using TasksConsole.Core.Data;
using TasksConsole.Core.Functions;
using TasksConsole.Core.Rql;
using TasksConsole.Core.Tasks;
using TasksConsole.Core.Tasks.Search;
using TasksConsole.Tests.Infrastructure;

namespace TasksConsole.Tests.Tasks.Search;

/// <summary>RQL inside tasks: <c>data.&lt;path&gt;</c> and the error's text, over a real store, and the window a large store needs.</summary>
public class TaskDataSearchTests : IAsyncLifetime
{
    protected virtual StorageProvider Provider => StorageProvider.Sqlite;

    private static readonly DateTimeOffset Now = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Now);
    private TestDatabase _database = null!;
    private TaskService _tasks = null!;
    private readonly Dictionary<string, string> _ids = [];

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(Provider);
        _tasks = new TaskService(_database.Factory, _clock, new TaskChangeFeed(), new FunctionCatalog(_database.Factory, _clock));
        await AddAsync("order", """{"order":{"id":"A-17","total":42.5,"express":true},"items":[{"sku":"X1","qty":3},{"sku":"Y2","qty":1}]}""");
        await AddAsync("text5", """{"order":{"id":"5","total":"7"},"note":"Retry later, please"}""");
        await AddAsync("number5", """{"order":{"id":5,"total":7,"express":false}}""");
        await AddAsync("nullid", """{"order":{"id":null},"date":"2026-03-01T00:00:00Z"}""");
        await AddAsync("empty", "{}");
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Theory]
    [InlineData("eq(data.order.id,A-17)", "order")]
    [InlineData("eq(data.order.id,5)", "text5,number5")]
    [InlineData("eq(data.order.id,string:5)", "text5")]
    [InlineData("eq(data.order.id,null)", "nullid,empty")]
    [InlineData("ne(data.order.id,A-17)", "text5,number5,nullid,empty")]
    [InlineData("in(data.order.id,A-17,5)", "order,text5,number5")]
    [InlineData("out(data.order.id,A-17,5)", "nullid,empty")]
    [InlineData("eq(data.order.express,true)", "order")]
    [InlineData("eq(data.order.express,false)", "number5")]
    [InlineData("eq(data.items.0.sku,X1)", "order")]
    [InlineData("eq(data.items.1.qty,1)", "order")]
    [InlineData("gt(data.items.0.qty,2)", "order")]
    [InlineData("gt(data.order.total,7)", "order")]
    [InlineData("ge(data.order.total,7)", "order,number5")]
    [InlineData("lt(data.order.total,42.5)", "number5")]
    [InlineData("le(data.order.total,42.5)", "order,number5")]
    [InlineData("ge(data.date,2026-02-28)", "nullid")]
    [InlineData("gt(data.order.id,A)", "order")]
    [InlineData("like(data.note,retry)", "text5")]
    [InlineData("like(data.order.id,a-1)", "order")]
    [InlineData("contains(data.items)", "order")]
    [InlineData("excludes(data.order)", "empty")]
    [InlineData("contains(data.order.id)", "order,text5,number5,nullid")]
    [InlineData("eq(data.missing.deep.path,x)", "")]
    public async Task DataConditions_MatchByJsonType(string filter, string expected)
    {
        Assert.Equal(Names(expected), await FindAsync(filter));
    }

    [Fact]
    public async Task DataConditions_CombineWithTheOtherFields()
    {
        Assert.Equal(Names("order"), await FindAsync("and(eq(functionName,resize),or(eq(data.order.id,A-17),like(data.note,nothing)))"));
        Assert.Equal(Names("text5"), await FindAsync("ne(data.order.id,A-17)&like(data.note,later)"));
    }

    [Fact]
    public async Task TheErrorsNameAndMessage_CanBeSearched()
    {
        await using (var db = await _database.Factory.CreateDbContextAsync())
        {
            var failed = await db.Tasks.FindAsync(_ids["text5"]);
            failed!.Status = TaskState.Failed;
            failed.SetError("Error", "TimeoutError", "Upstream took 30 s to answer");
            await db.SaveChangesAsync();
        }

        Assert.Equal(Names("text5"), await FindAsync("like(error.message,30 s)"));
        Assert.Equal(Names("text5"), await FindAsync("or(like(error.name,timeout),like(error.message,timeout))"));
        Assert.Equal(Names(""), await FindAsync("like(error.message,nothing like it)"));
    }

    [Theory]
    [InlineData("eq(data.,x)")]
    [InlineData("eq(data.a..b,x)")]
    [InlineData("eq(data.a b,x)")]
    [InlineData("eq(data.a$b,x)")]
    [InlineData("eq(data.a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q,x)")]
    [InlineData("sort(+data.order.id)")]
    [InlineData("contains(data.items,eq(sku,X1))")]
    [InlineData("gt(data.order.total,null)")]
    public async Task ABadDataCondition_IsAnRqlError(string query)
    {
        var queries = new TaskQueries(_database.Factory);

        var error = await Assert.ThrowsAsync<ServiceException>(() => queries.FindAsync(RqlParser.Parse(query)));

        Assert.Equal(ErrorCode.InvalidRql, error.Error);
    }

    [Fact]
    public async Task OnALargeStore_ASearchInsideNeedsAWindow_AndOneThatFitsIsAnswered()
    {
        // Five tasks here, a minute apart, so a limit of three makes this store "large"; the window holds the last three.
        var queries = new TaskQueries(_database.Factory, Options.Create(new TaskSearchOptions { MaxScannedTasks = 3 }));
        var window = $"ge(creationTimestamp,{Now.AddMinutes(2):yyyy-MM-dd'T'HH:mm:ss'Z'})";

        var refused = await Assert.ThrowsAsync<ServiceException>(() => queries.FindAsync(RqlParser.Parse("eq(data.order.id,5)")));
        Assert.Equal(ErrorCode.InvalidRql, refused.Error);
        Assert.Contains("ge(creationTimestamp,", refused.Message);
        Assert.True(await queries.NeedsNarrowerWindowAsync(RqlParser.Parse("like(error.message,x)").Filter));
        await Assert.ThrowsAsync<ServiceException>(() => queries.CountAsync(RqlParser.Parse("like(error.message,x)").Filter));

        // A window of at most three tasks is answered, as are queries that do not search inside, and ones by id.
        var found = await queries.FindAsync(RqlParser.Parse($"{window}&eq(data.order.id,5)"));
        Assert.Equal([_ids["number5"]], found.Tasks.Select(t => t.Id));
        Assert.False(await queries.NeedsNarrowerWindowAsync(RqlParser.Parse($"{window}&eq(data.order.id,5)").Filter));
        Assert.Equal(5, (await queries.FindAsync(RqlParser.Parse("eq(functionName,resize)"))).Total);
        Assert.Equal(1, await queries.CountAsync(RqlParser.Parse($"in(id,{_ids["order"]},{_ids["empty"]})&eq(data.order.id,A-17)").Filter));
    }

    private async Task AddAsync(string name, string data)
    {
        var task = await _tasks.CreateAsync(new NewTask("resize", data), Caller.System);
        _ids[name] = task.Id;
        _clock.Advance(TimeSpan.FromMinutes(1));
    }

    private async Task<IReadOnlyList<string>> FindAsync(string rql)
    {
        var page = await new TaskQueries(_database.Factory).FindAsync(RqlParser.Parse(rql + "&sort(+creationTimestamp)"));
        Assert.Equal(page.Tasks.Count, page.Total);
        return page.Tasks.Select(t => _ids.Single(pair => pair.Value == t.Id).Key).ToList();
    }

    private IReadOnlyList<string> Names(string csv) =>
        csv.Split(',', StringSplitOptions.RemoveEmptyEntries).OrderBy(n => _ids.Keys.ToList().IndexOf(n)).ToList();
}

/// <summary>The same on PostgreSQL, where the values are read through jsonb.</summary>
public sealed class PostgreSqlTaskDataSearchTests : TaskDataSearchTests
{
    protected override StorageProvider Provider => StorageProvider.PostgreSql;
}
