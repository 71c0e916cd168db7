using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.EntityFrameworkCore;
using TasksConsole.Core.Data;
using TasksConsole.Core.Rql;
using TasksConsole.Core.Tasks;
using TasksConsole.Tests.Infrastructure;
using static TasksConsole.Tests.Rql.RqlTestEncoding;

namespace TasksConsole.Tests.Tasks;

/// <summary>
/// The list shortcuts (the any-of-tags count, the prefix walk, like on functionName over the distinct names)
/// held to the general translation and to the plain row-by-row forms, on a store shaped to tell them apart.
/// </summary>
public sealed class TaskListShortcutTests(TaskListShortcutTests.Store store) : IClassFixture<TaskListShortcutTests.Store>
{
    /// <summary>
    /// 600 tasks created in groups of three sharing an instant, inserted and numbered out of creation order.
    /// "common" and "other" are each on about half the tasks and often together; "rare" is on three tasks and
    /// "late" on the last 45%, both at the end of creation order, where a walk from the start finds them last;
    /// "early" is on the first twenty; "edge" on every sixteenth of the first 240 and on all later ones. Function names carry LIKE's own wildcards and escape character. Statuses
    /// are changed by plain UPDATEs after the insert, as the engine changes them.
    /// </summary>
    public class Store : IAsyncLifetime
    {
        protected virtual StorageProvider Provider => StorageProvider.Sqlite;

        public const int Tasks = 600;

        public static readonly string[] FunctionNames =
        [
            "send-mail", "Send-Mail", "generate-invoice", "export-invoices", "50%_off", "50x_off", "a\\b", "ab", "a_b", "report",
        ];

        private TestDatabase _database = null!;
        private int[] _numbers = [];

        public IDbContextFactory<TasksDbContext> Factory => _database.Factory;

        /// <summary>The id of the task created <paramref name="i"/>-th.</summary>
        public string IdOf(int i) => _numbers[i].ToString("x24");

        public async Task InitializeAsync()
        {
            _database = await TestDatabase.CreateAsync(Provider);
            var random = new Random(1234);
            var start = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
            _numbers = Enumerable.Range(0, Tasks).ToArray();
            random.Shuffle(_numbers);
            await using var db = _database.CreateContext();
            foreach (var i in Enumerable.Range(0, Tasks).OrderBy(_ => random.Next()))
            {
                var tags = new List<string>();
                if (random.Next(2) == 0) tags.Add("common");
                if (random.Next(2) == 0) tags.Add("other");
                if (i >= Tasks * 55 / 100) tags.Add("late");
                if (i < 20) tags.Add("early");
                if (i is Tasks - 1 or Tasks - 5 or Tasks - 9) tags.Add("rare");
                if (random.Next(10) == 0) tags.Add("a%b");
                if (i % 16 == 14 || i >= 240) tags.Add("edge");
                var created = start.AddSeconds(i / 3);
                var task = new TaskRecord
                {
                    Id = IdOf(i),
                    FunctionName = i == Tasks - 2 ? "rare-fn" : FunctionNames[random.Next(FunctionNames.Length)],
                    Priority = random.Next(0, 4),
                    Status = TaskState.New,
                    CreationTimestamp = created,
                    UpdateTimestamp = created,
                    StatusChangedTimestamp = start.AddMinutes(random.Next(0, 50)),
                    StartTimestamp = start.AddMinutes(random.Next(0, 5)),
                };
                task.SetTags(tags);
                db.Tasks.Add(task);
            }
            await db.SaveChangesAsync();

            TaskState[] states = [TaskState.Complete, TaskState.Failed, TaskState.Canceled];
            foreach (var id in await db.Tasks.Select(t => t.Id).ToListAsync())
            {
                if (random.Next(3) == 0) continue;
                var state = states[random.Next(states.Length)];
                await db.Tasks.Where(t => t.Id == id).ExecuteUpdateAsync(set => set.SetProperty(t => t.Status, state));
            }
        }

        public async Task DisposeAsync() => await _database.DisposeAsync();
    }

    [Theory]
    [InlineData("in(tags,common,other)")]
    [InlineData("in(tags,common,other)&limit(20,40)")]
    [InlineData("in(tags,common,other)&sort(-creationTimestamp)&limit(50,7)")]
    [InlineData("in(tags,common,other)&sort(+startTimestamp,-priority)")]
    [InlineData("in(tags,common,other)&sort(-statusChangedTimestamp)&limit(7,3)")]
    [InlineData("in(tags,common,other)&sort(-priority)")]
    [InlineData("in(tags,common,other)&eq(status,new)")]
    [InlineData("in(tags,common,other,late)&in(status,failed,canceled)&sort(-creationTimestamp)")]
    [InlineData("in(tags,common,other)&skipCount()")]
    [InlineData("in(tags,other,rare,late)")]
    [InlineData("in(tags,common,common)")]
    [InlineData("in(tags,rare)")]
    [InlineData("in(tags,rare,late)&sort(+creationTimestamp)")]
    [InlineData("eq(tags,late)&limit(50)")]
    [InlineData("eq(tags,common)&eq(status,complete)")]
    [InlineData("out(tags,common,other)")]
    [InlineData("ne(tags,other)&sort(-creationTimestamp)&limit(10,10)")]
    [InlineData("or(eq(tags,rare),eq(functionName,report))")]
    [InlineData("in(tags,nothing,nothing2)")]
    [InlineData("like(functionName,invoice)")]
    [InlineData("like(functionName,invoice)&sort(-creationTimestamp)&limit(30,5)")]
    [InlineData("like(functionName,rare)")]
    [InlineData("like(functionName,mail)&in(tags,common,late)")]
    [InlineData("or(like(functionName,50%2525_),eq(tags,rare))")]
    [InlineData("like(functionName,mail)&ne(status,new)&sort(-priority,+creationTimestamp)")]
    public Task Shortcuts_AnswerLikeTheGeneralTranslationAndThePlainForms(string rql) => AssertShortcutAnswersLikeTheGeneralPathAsync(store, rql);

    internal static async Task AssertShortcutAnswersLikeTheGeneralPathAsync(Store store, string rql)
    {
        var queries = new TaskQueries(store.Factory);
        var query = RqlParser.Parse(rql);

        var shortcut = await queries.FindAsync(query, useShortcuts: true, TaskQueries.MaxLimit, CancellationToken.None);
        var general = await queries.FindAsync(query, useShortcuts: false, TaskQueries.MaxLimit, CancellationToken.None);
        var (plainIds, plainTotal) = await PlainAsync(store, query, general.Offset, general.Limit);

        Assert.Equal(general.Total, shortcut.Total);
        Assert.Equal(general.Tasks.Select(t => t.Id), shortcut.Tasks.Select(t => t.Id));
        Assert.Equal(plainIds, general.Tasks.Select(t => t.Id));
        Assert.Equal(query.SkipCount ? null : plainTotal, general.Total);
    }

    [Theory]
    [MemberData(nameof(AnyTagCountFilters))]
    public Task AnyTagCount_CountsATaskWithSeveralOfTheTagsOnce(string rql) => AssertAnyTagCountCountsEachTaskOnceAsync(store, rql);

    /// <summary>Filters the any-of-tags count takes, on both stores.</summary>
    public static TheoryData<string> AnyTagCountFilters { get; } =
    [
        "in(tags,common,other)",
        "in(tags,common,other,late)",
        "in(tags,late,other,common,rare,a%2525b)",
        "eq(tags,common)",
        "in(tags,rare,late)",
        "in(tags,common,other)&eq(status,new)",
        "in(status,complete,failed)&in(tags,late,other,rare)",
    ];

    internal static async Task AssertAnyTagCountCountsEachTaskOnceAsync(Store store, string rql)
    {
        var filter = RqlParser.Parse(rql).Filter;
        var count = AnyTagCount.TryCreate(filter);
        Assert.NotNull(count);
        await using var db = await store.Factory.CreateDbContextAsync();

        var counted = await count.CountAsync(db, CancellationToken.None);

        var expected = await db.Tasks.ApplyFilter(filter, TaskRqlFields.For(db, TaskConditionForm.RowCheck)).LongCountAsync();
        Assert.Equal(expected, counted);
        Assert.True(expected > 0, "the seed must give the filter something to count");
        if (count.Tags.Count > 1)
        {
            var rows = await db.TaskTags.LongCountAsync(t => count.Tags.Contains(t.Tag));
            Assert.True(rows > expected, "the seed must put several of the tags on some tasks");
        }
    }

    /// <summary>
    /// The counters behind the one- and two-tag totals on SQLite follow every way tag rows come and go: tasks added
    /// before and after others are deleted, deleted by the purge's statement (tag rows go by the foreign key's
    /// cascade) and by removing tag rows themselves. Every tag and pair, including tags no task carries any more, is
    /// held to the row-by-row count.
    /// </summary>
    [Fact]
    public Task AnyTagCounters_StayExact_AsTasksAreAddedAndDeleted() => AssertAnyTagCountersStayExactAsync(StorageProvider.Sqlite);

    internal static async Task AssertAnyTagCountersStayExactAsync(StorageProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var postgreSql = provider == StorageProvider.PostgreSql;
        string[] tags = ["a", "b", "c", "Z", "é", "日本"];
        var random = new Random(99);
        var next = 0;
        async Task AddAsync(int count)
        {
            await using var db = database.CreateContext();
            for (var i = 0; i < count; i++, next++)
            {
                var now = DateTimeOffset.UnixEpoch.AddDays(1).AddSeconds(next);
                var task = new TaskRecord
                {
                    Id = next.ToString("x24"), FunctionName = "f", Status = TaskState.New,
                    CreationTimestamp = now, UpdateTimestamp = now, StatusChangedTimestamp = now, StartTimestamp = now,
                };
                task.SetTags(random.GetItems(tags, random.Next(0, 5)).Distinct());
                db.Tasks.Add(task);
            }
            await db.SaveChangesAsync();
        }

        await AddAsync(200);
        await using (var db = database.CreateContext())
        {
            await db.Database.ExecuteSqlRawAsync("DELETE FROM \"Tasks\" WHERE \"Id\" IN (SELECT \"Id\" FROM \"Tasks\" ORDER BY \"Id\" LIMIT 70)");
            await db.TaskTags.Where(t => t.Tag == "c").ExecuteDeleteAsync();
            if (postgreSql) await FoldAsync(database);
            // A tag or pair no task carries any more leaves no row behind (on PostgreSQL, once its rows are folded).
            if (postgreSql)
            {
                Assert.Equal(0, await CountAsync(db, "SELECT COUNT(*) AS \"Value\" FROM \"TagCountDeltas\" WHERE \"Tag\" = 'c'"));
                Assert.Equal(0, await CountAsync(db, "SELECT COUNT(*) AS \"Value\" FROM \"TagPairCountDeltas\" WHERE 'c' IN (\"Tag1\", \"Tag2\")"));
            }
            else
            {
                Assert.Equal(0, await CountAsync(db, "SELECT COUNT(*) AS \"Value\" FROM \"TagCounts\" WHERE \"Tag\" = 'c'"));
                Assert.Equal(0, await CountAsync(db, "SELECT COUNT(*) AS \"Value\" FROM \"TagPairCounts\" WHERE 'c' IN (\"Tag1\", \"Tag2\")"));
            }
        }
        await AddAsync(100);
        // Tasks added one statement at a time, and a task whose tags arrive in two statements (old and new rows pair).
        await using (var db = database.CreateContext())
        {
            var now = DateTimeOffset.UnixEpoch.AddDays(2);
            db.Tasks.Add(new TaskRecord
            {
                Id = "late".PadLeft(24, '0'), FunctionName = "f", Status = TaskState.New,
                CreationTimestamp = now, UpdateTimestamp = now, StatusChangedTimestamp = now, StartTimestamp = now,
            });
            await db.SaveChangesAsync();
            foreach (var tag in new[] { "b", "a", "日本" })
            {
                db.TaskTags.Add(new TaskTag { TaskId = "late".PadLeft(24, '0'), Tag = tag, Status = TaskState.New, StartTimestamp = now });
                await db.SaveChangesAsync();
            }
        }

        await using var check = database.CreateContext();
        foreach (var first in tags)
        {
            foreach (var second in tags)
            {
                var rql = first == second ? $"eq(tags,{SdkEncoded(first)})" : $"in(tags,{SdkEncoded(first)},{SdkEncoded(second)})";
                var filter = RqlParser.Parse(rql).Filter;
                var expected = await check.Tasks.ApplyFilter(filter, TaskRqlFields.For(check, TaskConditionForm.RowCheck)).LongCountAsync();
                Assert.Equal(expected, await AnyTagCount.TryCreate(filter)!.CountAsync(check, CancellationToken.None));
            }
        }
        if (!postgreSql)
        {
            Assert.Equal(0, await CountAsync(check, "SELECT COUNT(*) AS \"Value\" FROM \"TagCounts\" WHERE \"Count\" <= 0"));
            Assert.Equal(0, await CountAsync(check, "SELECT COUNT(*) AS \"Value\" FROM \"TagPairCounts\" WHERE \"Count\" <= 0"));
            return;
        }

        // Folding leaves one positive row per tag and pair in use, and every total as it was.
        await FoldAsync(database);
        Assert.Equal(0, await CountAsync(check, "SELECT COUNT(*) AS \"Value\" FROM (SELECT 1 FROM \"TagCountDeltas\" GROUP BY \"Tag\" HAVING COUNT(*) > 1 OR SUM(\"Delta\") <= 0) AS x"));
        Assert.Equal(0, await CountAsync(check, "SELECT COUNT(*) AS \"Value\" FROM (SELECT 1 FROM \"TagPairCountDeltas\" GROUP BY \"Tag1\", \"Tag2\" HAVING COUNT(*) > 1 OR SUM(\"Delta\") <= 0) AS x"));
        Assert.Equal(0, await CountAsync(check, "SELECT COUNT(*) AS \"Value\" FROM \"TagPairCountDeltas\" WHERE \"Tag1\" >= \"Tag2\""));
        foreach (var tag in tags)
        {
            var filter = RqlParser.Parse($"in(tags,{SdkEncoded(tag)},a)").Filter;
            var expected = await check.Tasks.ApplyFilter(filter, TaskRqlFields.For(check, TaskConditionForm.RowCheck)).LongCountAsync();
            Assert.Equal(expected, await AnyTagCount.TryCreate(filter)!.CountAsync(check, CancellationToken.None));
        }
    }

    private static async Task FoldAsync(TestDatabase database) =>
        await new TagCountCompactor(database.Factory, TimeProvider.System, NullLogger<TagCountCompactor>.Instance).FoldAsync(CancellationToken.None);

    private static Task<long> CountAsync(TasksDbContext db, [System.Diagnostics.CodeAnalysis.ConstantExpected] string sql) =>
        db.Database.SqlQueryRaw<long>(sql).SingleAsync();

    [Theory]
    [InlineData("in(tags,common,other)&ne(status,new)")]
    [InlineData("in(tags,a,b)&in(tags,c)")]
    [InlineData("or(in(tags,a,b),eq(tags,c))")]
    [InlineData("out(tags,a,b)")]
    [InlineData("in(tags,a,null)")]
    [InlineData("in(tags,a,b,c,d,e,f,g,h,i)")]
    [InlineData("in(tags,a,b)&eq(status,bogus)")]
    [InlineData("in(tags,a,b)&eq(status,new)&eq(status,failed)")]
    [InlineData("in(tags,a,b)&eq(functionName,f)")]
    public void AnyTagCount_TakesOnlyAnyOfTagsWithAtMostAStatusCondition(string rql)
    {
        Assert.Null(AnyTagCount.TryCreate(RqlParser.Parse(rql).Filter));
    }

    /// <summary>
    /// A prefix of 240 tasks admits pages ending by row 15, and a condition must match at least 240 tasks for the
    /// walk to be tried: "early" (20 tasks, all in the prefix) is left to the index-lookup form although the
    /// walk would answer it; "late" (from task 330 on) is tried ascending and does not fill the page. Walked or
    /// not, the page is the general translation's.
    /// </summary>
    [Theory]
    [InlineData("in(tags,common,other)&limit(15)", true)]
    [InlineData("in(tags,common,other)&limit(10,5)", true)]
    [InlineData("in(tags,common,other)&sort(-creationTimestamp)&limit(15)", true)]
    [InlineData("eq(tags,other)&sort(+statusChangedTimestamp)&limit(12,2)", true)]
    [InlineData("like(functionName,a)&limit(15)", true)]
    [InlineData("like(functionName,a)&limit(15,30)", false)]
    [InlineData("like(functionName,a)&sort(-priority)&limit(15)", false)]
    [InlineData("eq(tags,early)&limit(15)", false)]
    [InlineData("in(tags,late)&limit(15)", false)]
    [InlineData("in(tags,late)&sort(-creationTimestamp)&limit(15)", true)]
    [InlineData("in(tags,rare)&limit(2)", false)]
    [InlineData("like(functionName,rare)&limit(1)", false)]
    [InlineData("in(tags,common,other)&limit(15,1)", false)]
    [InlineData("in(tags,common,other)&sort(-priority)&limit(5)", false)]
    [InlineData("eq(status,new)&limit(5)", false)]
    public async Task PrefixWalk_AnswersOnlyPagesThatLieInThePrefix_AndAnyPageLikeTheGeneralPath(string rql, bool walks)
    {
        var query = RqlParser.Parse(rql);
        await using var db = await store.Factory.CreateDbContextAsync();
        var fields = TaskRqlFields.For(db);
        var limit = query.EffectiveLimit(TaskQueries.DefaultLimit, TaskQueries.MaxLimit);
        var offset = query.Offset ?? 0;

        var (page, walked) = await PrefixWalk.PageAsync(db, query, fields, offset, limit, CancellationToken.None, prefixRows: 240);

        var general = await db.Tasks.AsNoTracking().ApplyQuery(query, fields).Skip(offset).Take(limit).Select(t => t.Id).ToListAsync();
        Assert.Equal(walks, walked);
        Assert.Equal(general, page.Select(t => t.Id));
    }

    [Fact]
    public async Task PrefixWalk_TakesTheWholeInstantOfItsBoundary()
    {
        // A prefix of 240 rows ends with task 239, created in the same instant as tasks 237 and 238; task 238 is the
        // 15th "edge" task, so the page of 15 is full only if the walk takes every task of the boundary's instant.
        var query = RqlParser.Parse("eq(tags,edge)&limit(15)");
        await using var db = await store.Factory.CreateDbContextAsync();
        var fields = TaskRqlFields.For(db);
        var general = await db.Tasks.AsNoTracking().ApplyQuery(query, fields).Take(15).Select(t => t.Id).ToListAsync();

        var (page, walked) = await PrefixWalk.PageAsync(db, query, fields, 0, 15, CancellationToken.None, prefixRows: 240);

        Assert.Equal(store.IdOf(238), general[^1]);
        Assert.True(walked);
        Assert.Equal(general, page.Select(t => t.Id));
    }

    [Theory]
    [InlineData("invoice")]
    [InlineData("INVOICE")]
    [InlineData("send-m")]
    [InlineData("%")]
    [InlineData("_")]
    [InlineData("50%_")]
    [InlineData("0x_")]
    [InlineData("\\")]
    [InlineData("a\\b")]
    [InlineData("a_b")]
    [InlineData("*")]
    [InlineData("s*d-m")]
    [InlineData("nothing")]
    public async Task LikeOnFunctionName_OverTheDistinctNames_MatchesAPlainLike(string value)
    {
        var filter = RqlParser.Parse($"like(functionName,{SdkEncoded(value)})").Filter;
        await using var db = await store.Factory.CreateDbContextAsync();
        var overNames = db.Tasks.ApplyFilter(filter, TaskRqlFields.For(db));
        var plain = db.Tasks.ApplyFilter(filter, TaskRqlFields.For(db, TaskConditionForm.RowCheck));

        Assert.Contains("\"FunctionName\" IN (", overNames.ToQueryString());
        Assert.DoesNotContain("\"FunctionName\" IN (", plain.ToQueryString());
        Assert.Equal(await plain.Select(t => t.Id).Order().ToListAsync(), await overNames.Select(t => t.Id).Order().ToListAsync());
    }

    [Fact]
    public async Task LikeOnFunctionName_WithMoreNamesThanTheSkipScanTakes_ReadsThemFromTheWholeIndex()
    {
        await using var database = await TestDatabase.CreateAsync();
        var created = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await using (var seed = database.CreateContext())
        {
            for (var i = 0; i < TaskRqlFields.MaxSkipScanNames + 10; i++)
            {
                seed.Tasks.Add(new TaskRecord
                {
                    Id = i.ToString("x24"),
                    FunctionName = $"fn-{i:0000}",
                    Status = TaskState.New,
                    CreationTimestamp = created,
                    UpdateTimestamp = created,
                    StatusChangedTimestamp = created,
                    StartTimestamp = created,
                });
            }
            await seed.SaveChangesAsync();
        }
        await using var db = database.CreateContext();

        foreach (var value in new[] { "fn-10", "FN-0000", "1009", "*5" })
        {
            var filter = RqlParser.Parse($"like(functionName,{SdkEncoded(value)})").Filter;
            var overNames = await db.Tasks.ApplyFilter(filter, TaskRqlFields.For(db)).Select(t => t.Id).Order().ToListAsync();
            var plain = await db.Tasks.ApplyFilter(filter, TaskRqlFields.For(db, TaskConditionForm.RowCheck)).Select(t => t.Id).Order().ToListAsync();
            Assert.NotEmpty(plain);
            Assert.Equal(plain, overNames);
        }
    }

    /// <summary>The page and count through the row-by-row forms (EXISTS per task, LIKE per task): the plainest SQL for the RQL.</summary>
    private static async Task<(List<string> Ids, long Total)> PlainAsync(Store store, RqlQuery query, int offset, int limit)
    {
        await using var db = await store.Factory.CreateDbContextAsync();
        var fields = TaskRqlFields.For(db, TaskConditionForm.RowCheck);
        var ids = await db.Tasks.ApplyQuery(query, fields).Skip(offset).Take(limit).Select(t => t.Id).ToListAsync();
        return (ids, await db.Tasks.ApplyFilter(query.Filter, fields).LongCountAsync());
    }
}

/// <summary>
/// The any-of-tags count and the tag shortcuts in their PostgreSQL form (the overlaps as a semi-join on the task id),
/// and like on functionName matched against the names before the query, on the same seed in a PostgreSQL database.
/// </summary>
public sealed class PostgreSqlTaskListShortcutTests(PostgreSqlTaskListShortcutTests.PostgreSqlStore store)
    : IClassFixture<PostgreSqlTaskListShortcutTests.PostgreSqlStore>
{
    public sealed class PostgreSqlStore : TaskListShortcutTests.Store
    {
        protected override StorageProvider Provider => StorageProvider.PostgreSql;
    }

    [Theory]
    [MemberData(nameof(TaskListShortcutTests.AnyTagCountFilters), MemberType = typeof(TaskListShortcutTests))]
    public Task AnyTagCount_CountsATaskWithSeveralOfTheTagsOnce(string rql) =>
        TaskListShortcutTests.AssertAnyTagCountCountsEachTaskOnceAsync(store, rql);

    [Fact]
    public Task AnyTagCounters_StayExact_AsTasksAreAddedAndDeleted() =>
        TaskListShortcutTests.AssertAnyTagCountersStayExactAsync(StorageProvider.PostgreSql);

    [Fact]
    public async Task CancelByFilter_WithLikeOnFunctionName_CancelsExactlyTheTasksWhoseNameMatches()
    {
        await using var database = await TestDatabase.CreateAsync(StorageProvider.PostgreSql);
        var tasks = new TaskService(database.Factory, TimeProvider.System, new TaskChangeFeed());
        var invoices = new List<string>();
        foreach (var name in new[] { "generate-invoice", "export-INVOICES" })
        {
            invoices.AddRange(await StoredTasks.AddAsync(database.Factory, tasks, 3, new NewTask(name), TaskState.New));
        }
        var others = await StoredTasks.AddAsync(database.Factory, tasks, 4, new NewTask("send-mail"), TaskState.New);

        var canceled = await tasks.CancelMatchingAsync(RqlParser.Parse("like(functionName,invoice)").Filter, progress: null);

        Assert.Equal(invoices.Count, canceled);
        await using var db = database.CreateContext();
        var statuses = await db.Tasks.ToDictionaryAsync(t => t.Id, t => t.Status);
        Assert.All(invoices, id => Assert.Equal(TaskState.Canceled, statuses[id]));
        Assert.All(others, id => Assert.Equal(TaskState.New, statuses[id]));
    }

    /// <summary>Writers that add the same tags in opposite orders at once neither wait on each other nor lose a count.</summary>
    [Fact]
    public async Task AnyTagCounters_StayExact_UnderConcurrentWritersThatAddTheSameTagsInOppositeOrders()
    {
        await using var database = await TestDatabase.CreateAsync(StorageProvider.PostgreSql);
        string[] tags = ["x", "y", "z"];
        var now = DateTimeOffset.UnixEpoch.AddDays(1);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(writer => Task.Run(async () =>
        {
            for (var round = 0; round < 10; round++)
            {
                await using var db = database.CreateContext();
                await using var transaction = await db.Database.BeginTransactionAsync();
                foreach (var tag in writer % 2 == 0 ? tags : tags.Reverse())
                {
                    var id = $"{writer:x2}{round:x2}{tag}".PadLeft(24, '0');
                    db.Tasks.Add(new TaskRecord
                    {
                        Id = id, FunctionName = "f", Status = TaskState.New,
                        CreationTimestamp = now, UpdateTimestamp = now, StatusChangedTimestamp = now, StartTimestamp = now,
                    });
                    db.TaskTags.Add(new TaskTag { TaskId = id, Tag = tag, Status = TaskState.New, StartTimestamp = now });
                    db.TaskTags.Add(new TaskTag { TaskId = id, Tag = tag == "x" ? "y" : "x", Status = TaskState.New, StartTimestamp = now });
                    await db.SaveChangesAsync();
                }
                await transaction.CommitAsync();
            }
        })));

        await using var check = database.CreateContext();
        foreach (var rql in new[] { "eq(tags,x)", "eq(tags,y)", "in(tags,x,y)", "in(tags,y,z)", "in(tags,z,x)" })
        {
            var filter = RqlParser.Parse(rql).Filter;
            var expected = await check.Tasks.ApplyFilter(filter, TaskRqlFields.For(check, TaskConditionForm.RowCheck)).LongCountAsync();
            Assert.True(expected > 0, rql);
            Assert.Equal(expected, await AnyTagCount.TryCreate(filter)!.CountAsync(check, CancellationToken.None));
        }
    }

    [Theory]
    [InlineData("in(tags,common,other)")]
    [InlineData("in(tags,common,other)&limit(20,40)")]
    [InlineData("in(tags,common,other,late)&in(status,failed,canceled)&sort(-creationTimestamp)")]
    [InlineData("in(tags,other,rare,late)")]
    [InlineData("eq(tags,common)&eq(status,complete)")]
    [InlineData("like(functionName,invoice)")]
    [InlineData("like(functionName,invoice)&sort(-creationTimestamp)&limit(30,5)")]
    [InlineData("like(functionName,rare)")]
    [InlineData("like(functionName,nothing)")]
    [InlineData("like(functionName,mail)&in(tags,common,late)")]
    [InlineData("or(like(functionName,50%2525_),eq(tags,rare))")]
    [InlineData("or(like(functionName,mail),like(functionName,report))&ne(status,new)")]
    public Task Shortcuts_AnswerLikeTheGeneralTranslationAndThePlainForms(string rql) =>
        TaskListShortcutTests.AssertShortcutAnswersLikeTheGeneralPathAsync(store, rql);

    [Theory]
    [InlineData("invoice", true)]
    [InlineData("SEND", true)]
    [InlineData("50%_", true)]
    [InlineData("a\\b", true)]
    [InlineData("*", true)]
    [InlineData("nothing", false)]
    public async Task LikeOnFunctionName_IsMatchedAgainstTheNamesFirst_ThenFiltersByThemAsOneArray(string value, bool anyMatch)
    {
        var filter = RqlParser.Parse($"like(functionName,{SdkEncoded(value)})").Filter;
        await using var db = await store.Factory.CreateDbContextAsync();
        var byNames = db.Tasks.ApplyFilter(filter, await TaskRqlFields.ForAsync(db, filter, CancellationToken.None));
        var plain = db.Tasks.ApplyFilter(filter, TaskRqlFields.For(db, TaskConditionForm.RowCheck));

        var sql = byNames.ToQueryString();
        Assert.DoesNotContain("WITH RECURSIVE", sql);
        Assert.Equal(anyMatch, sql.Contains("\"FunctionName\" = ANY ("));
        var expected = await plain.Select(t => t.Id).Order().ToListAsync();
        Assert.Equal(anyMatch, expected.Count > 0);
        Assert.Equal(expected, await byNames.Select(t => t.Id).Order().ToListAsync());
    }
}
