using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using TasksConsole.Core.Common;
using TasksConsole.Core.Rql;
using TasksConsole.Core.Tasks;
using static TasksConsole.Tests.Rql.RqlTestEncoding;

namespace TasksConsole.Tests.Rql;

public class RqlTranslatorTests(RqlTaskStoreFixture store) : IClassFixture<RqlTaskStoreFixture>
{
    /// <summary>The seeded task numbers the query returns, in the query's order.</summary>
    private async Task<int[]> Query(string rql)
    {
        await using var db = store.CreateContext();
        var query = RqlParser.Parse(rql);
        var ids = await db.Tasks.ApplyQuery(query, TaskRqlFields.For(db)).Select(t => t.Id).ToListAsync();
        return ids.Select(id => Convert.ToInt32(id, 16)).ToArray();
    }

    private async Task<int[]> Matching(string rql) => (await Query(rql)).Order().ToArray();

    private async Task Invalid(string rql)
    {
        var error = await Assert.ThrowsAsync<ServiceException>(() => Query(rql));
        Assert.Equal(19, error.Error.Code);
    }

    [Theory]
    [InlineData("eq(functionName,send%252Dmail)", new[] { 1, 2 })]
    [InlineData("functionName=report", new[] { 4, 5 })]
    [InlineData("ne(functionName,report)", new[] { 1, 2, 3, 6 })]
    [InlineData("eq(functionName,my%2520func%2520%2528v1%2529)", new[] { 3 })]
    [InlineData("gt(id,00000000000000000000000" + "4)", new[] { 5, 6 })]
    [InlineData("le(functionName,report)", new[] { 3, 4, 5, 6 })]
    [InlineData("in(functionName,report,Report)", new[] { 4, 5, 6 })]
    [InlineData("out(functionName,report,Report)", new[] { 1, 2, 3 })]
    public async Task Filter_ComparesStrings_Exactly(string rql, int[] expected)
    {
        Assert.Equal(expected, await Matching(rql));
    }

    [Theory]
    [InlineData("eq(priority,5)", new[] { 2, 5 })]
    [InlineData("ne(priority,5)", new[] { 1, 3, 4, 6 })]
    [InlineData("gt(priority,5)", new[] { 3, 6 })]
    [InlineData("ge(priority,5)", new[] { 2, 3, 5, 6 })]
    [InlineData("lt(priority,0)", new[] { 4 })]
    [InlineData("le(priority,0)", new[] { 1, 4 })]
    [InlineData("priority=gt=6", new[] { 3, 6 })]
    [InlineData("eq(priority,%252D3)", new[] { 4 })]
    [InlineData("eq(priority,string:10)", new[] { 3 })]
    [InlineData("in(priority,0,10)", new[] { 1, 3 })]
    [InlineData("out(priority,0,10)", new[] { 2, 4, 5, 6 })]
    public async Task Filter_ComparesIntegers(string rql, int[] expected)
    {
        Assert.Equal(expected, await Matching(rql));
    }

    [Theory]
    [InlineData("eq(status,inProgress)", new[] { 2 })]
    [InlineData("ne(status,new)", new[] { 2, 3, 4, 5, 6 })]
    [InlineData("in(status,failed,retried)", new[] { 3, 4 })]
    [InlineData("out(status,new,inProgress)", new[] { 3, 4, 5, 6 })]
    [InlineData("like(status,PROG)", new[] { 2 })]
    [InlineData("like(status,c*ed)", new[] { 6 })]
    [InlineData("like(status,nothing)", new int[0])]
    public async Task Filter_ReadsStatusesByTheirWireNames(string rql, int[] expected)
    {
        Assert.Equal(expected, await Matching(rql));
    }

    [Theory]
    [InlineData("eq(tags,alpha)", new[] { 1, 5 })]
    [InlineData("eq(tags,beta)", new[] { 2 })]
    [InlineData("ne(tags,alpha)", new[] { 2, 3, 4, 6 })]
    [InlineData("in(tags,beta,gamma)", new[] { 2, 5 })]
    [InlineData("out(tags,alpha,beta)", new[] { 3, 4, 6 })]
    [InlineData("contains(tags)", new[] { 1, 2, 3, 5, 6 })]
    [InlineData("excludes(tags)", new[] { 4 })]
    [InlineData("eq(tags,a%2520b)", new[] { 3 })]
    public async Task Filter_MatchesTags_AsAnArray(string rql, int[] expected)
    {
        Assert.Equal(expected, await Matching(rql));
    }

    [Theory]
    [InlineData("BETA", new[] { 1, 2 })]
    [InlineData("lph", new[] { 1, 5 })]
    [InlineData("a b", new[] { 3 })]
    [InlineData("%_", new[] { 3 })]
    [InlineData("_", new[] { 3, 6 })]
    [InlineData("0x", new[] { 6 })]
    [InlineData("%", new[] { 3 })]
    [InlineData("\\", new[] { 6 })]
    [InlineData("100*done", new[] { 3, 6 })]
    [InlineData("a*a", new[] { 1, 5 })]
    public async Task Filter_LikeOnTags_IsACaseInsensitiveSubstringWithStarWildcards(string value, int[] expected)
    {
        Assert.Equal(expected, await Matching($"like(tags,{SdkEncoded(value)})"));
    }

    [Theory]
    [InlineData("REPORT", new[] { 4, 5, 6 })]
    [InlineData("*", new[] { 1, 2, 3, 4, 5, 6 })]
    [InlineData("my*(v1", new[] { 3 })]
    [InlineData("-", new[] { 1, 2 })]
    public async Task Filter_LikeOnStrings_IsACaseInsensitiveSubstring(string value, int[] expected)
    {
        Assert.Equal(expected, await Matching($"like(functionName,{SdkEncoded(value)})"));
    }

    [Fact]
    public async Task Filter_LikeOnANumber_MatchesNothing()
    {
        Assert.Empty(await Matching("like(priority,1)"));
    }

    [Theory]
    [InlineData("ge(creationTimestamp,2024%252D01%252D03T00%253A00%253A00%252E000Z)", new[] { 3, 4, 5, 6 })]
    [InlineData("ge(creationTimestamp,2024-01-03T01:00:00%252B01:00)", new[] { 3, 4, 5, 6 })]
    [InlineData("gt(creationTimestamp,2024-01-03)", new[] { 5, 6 })]
    [InlineData("lt(creationTimestamp,1704240000000)", new[] { 1, 2 })]
    [InlineData("eq(creationTimestamp,date:2024-01-03T00:00:00Z)", new[] { 3, 4 })]
    [InlineData("le(creationTimestamp,epoch:1704153600000)", new[] { 1, 2 })]
    [InlineData("gt(startTimestamp,2024-02-03T12:00:00Z)", new[] { 5, 6 })]
    [InlineData("in(updateTimestamp,2024-01-01T01:00:00Z,2024-01-05T01:00:00Z)", new[] { 1, 6 })]
    [InlineData("lt(statusChangedTimestamp,2024-01-02T00:00:00.001Z)", new[] { 1 })]
    public async Task Filter_CastsIsoStringsAndEpochMillisecondsToTimestamps(string rql, int[] expected)
    {
        Assert.Equal(expected, await Matching(rql));
    }

    [Theory]
    [InlineData("eq(createdByUserId,null)", new[] { 3, 5, 6 })]
    [InlineData("ne(createdByUserId,null)", new[] { 1, 2, 4 })]
    [InlineData("contains(createdByUserId)", new[] { 1, 2, 4 })]
    [InlineData("excludes(createdByUserId)", new[] { 3, 5, 6 })]
    [InlineData("ne(createdByUserId,user1)", new[] { 3, 4, 5, 6 })]
    [InlineData("out(createdByUserId,user1)", new[] { 3, 4, 5, 6 })]
    [InlineData("in(createdByUserId,user2,null)", new[] { 3, 4, 5, 6 })]
    [InlineData("out(createdByUserId,user2,null)", new[] { 1, 2 })]
    [InlineData("eq(scheduleId,sched1)", new[] { 6 })]
    [InlineData("excludes(scheduleId)", new[] { 1, 2, 3, 4, 5 })]
    [InlineData("eq(retriedByTaskId,00000000000000000000000" + "5)", new[] { 4 })]
    [InlineData("contains(functionName)", new[] { 1, 2, 3, 4, 5, 6 })]
    [InlineData("excludes(functionName)", new int[0])]
    public async Task Filter_TreatsMissingValuesAsNull(string rql, int[] expected)
    {
        Assert.Equal(expected, await Matching(rql));
    }

    [Theory]
    [InlineData("contains(error)", new[] { 3, 4 })]
    [InlineData("excludes(error)", new[] { 1, 2, 5, 6 })]
    [InlineData("eq(error,null)", new[] { 1, 2, 5, 6 })]
    [InlineData("eq(error.type,runtime)", new[] { 3, 4 })]
    [InlineData("excludes(error.name)", new[] { 1, 2, 4, 5, 6 })]
    [InlineData("like(error.message,TIMED)", new[] { 4 })]
    public async Task Filter_ReadsTheErrorObject(string rql, int[] expected)
    {
        Assert.Equal(expected, await Matching(rql));
    }

    [Theory]
    [InlineData("eq(retryForTaskIds,00000000000000000000000" + "4)", new[] { 5, 6 })]
    [InlineData("ne(retryForTaskIds,00000000000000000000000" + "4)", new[] { 1, 2, 3, 4 })]
    [InlineData("in(retryForTaskIds,00000000000000000000000" + "5,ffffffffffffffffffffffff)", new[] { 6 })]
    [InlineData("out(retryForTaskIds,00000000000000000000000" + "5)", new[] { 1, 2, 3, 4, 5 })]
    [InlineData("contains(retryForTaskIds)", new[] { 5, 6 })]
    [InlineData("excludes(retryForTaskIds)", new[] { 1, 2, 3, 4 })]
    public async Task Filter_MatchesRetryForTaskIds_AsAnArray(string rql, int[] expected)
    {
        Assert.Equal(expected, await Matching(rql));
    }

    [Theory]
    [InlineData("or(eq(status,failed),eq(tags,gamma))&contains(error)", new[] { 3 })]
    [InlineData("status=complete|priority>5", new[] { 3, 5, 6 })]
    [InlineData("(status=complete|priority>5)&eq(tags,alpha)", new[] { 5 })]
    [InlineData("and(eq(tags,alpha),eq(status,new))", new[] { 1 })]
    [InlineData("or(eq(status,failed),like(tags,a%2520b))&excludes(error)&contains(retryForTaskIds)&skipCount()", new int[0])]
    [InlineData("limit(1)", new[] { 1, 2, 3, 4, 5, 6 })]
    public async Task Filter_CombinesConditions(string rql, int[] expected)
    {
        Assert.Equal(expected, await Matching(rql));
    }

    [Fact]
    public async Task Filter_HandlesHundredsOfOperands()
    {
        var ors = string.Join('|', Enumerable.Range(0, 600).Select(i => $"eq(priority,{i})"));
        var ids = string.Join(',', Enumerable.Range(1, 600).Select(i => i.ToString("x24")));

        Assert.Equal(new[] { 1, 2, 3, 5, 6 }, await Query(ors));
        Assert.Equal(new[] { 1, 2, 3, 4, 5, 6 }, await Query($"in(id,{ids})"));
    }

    [Theory]
    [InlineData("", new[] { 1, 2, 3, 4, 5, 6 })]
    [InlineData("sort(-priority)", new[] { 3, 6, 5, 2, 1, 4 })]
    [InlineData("sort(+functionName,-priority)", new[] { 6, 3, 5, 4, 2, 1 })]
    [InlineData("sort(-creationTimestamp)", new[] { 6, 5, 4, 3, 2, 1 })]
    [InlineData("sort(-id)", new[] { 6, 5, 4, 3, 2, 1 })]
    [InlineData("sort(error.type,-priority)", new[] { 6, 5, 2, 1, 3, 4 })]
    public async Task Sort_OrdersByTheKeys_ThenById_InTheLastKeysDirection(string rql, int[] expected)
    {
        Assert.Equal(expected, await Query(rql));
    }

    [Fact]
    public async Task Sort_MakesPagesThatNeitherSkipNorRepeat()
    {
        await using var db = store.CreateContext();
        var fields = TaskRqlFields.For(db);
        var ordered = db.Tasks.ApplySort(RqlParser.Parse("sort(priority)").Sort, fields);

        var pages = new List<string>();
        for (var offset = 0; offset < 6; offset += 2)
        {
            pages.AddRange(await ordered.Skip(offset).Take(2).Select(t => t.Id).ToListAsync());
        }

        Assert.Equal(await ordered.Select(t => t.Id).ToListAsync(), pages);
        Assert.Equal(6, pages.Distinct().Count());
    }

    [Theory]
    [InlineData("eq(bogus,1)")]
    [InlineData("eq(data,1)")]
    [InlineData("eq(error.bogus,1)")]
    [InlineData("gt(priority,abc)")]
    [InlineData("eq(priority,2.5)")]
    [InlineData("eq(priority,true)")]
    [InlineData("eq(status,bogus)")]
    [InlineData("eq(status,3)")]
    [InlineData("gt(status,new)")]
    [InlineData("gt(priority,null)")]
    [InlineData("gt(creationTimestamp,yesterday)")]
    [InlineData("gt(tags,a)")]
    [InlineData("eq(tags,null)")]
    [InlineData("contains(tags,eq(name,a))")]
    [InlineData("contains(functionName,eq(name,a))")]
    [InlineData("eq(error,runtime)")]
    [InlineData("sort(bogus)")]
    [InlineData("sort(tags)")]
    [InlineData("sort(error)")]
    public async Task Translate_RejectsWhatTheFieldsCannotAnswer_WithInvalidRql(string rql)
    {
        await Invalid(rql);
    }

    [Fact]
    public async Task Translate_NamesTheUnknownFieldAndItsPosition()
    {
        var error = await Assert.ThrowsAsync<ServiceException>(() => Query("eq(status,new)&eq(bogus,1)"));

        Assert.Contains("'bogus'", error.Message);
        Assert.Contains("position 16", error.Message);
    }

    [Fact]
    public async Task Translate_FiltersTagsWithAnInSubqueryOnTheTagTable_NotWithJson()
    {
        await using var db = store.CreateContext();
        var fields = TaskRqlFields.For(db);

        var sql = db.Tasks.ApplyFilter(RqlParser.Parse("eq(tags,alpha)&eq(status,failed)").Filter, fields).ToQueryString();

        Assert.Contains("IN (", sql);
        Assert.Contains("\"TaskTags\"", sql);
        Assert.DoesNotContain("json_each", sql);
        Assert.Equal(1, await db.Tasks.ApplyFilter(RqlParser.Parse("eq(tags,alpha)&eq(status,new)").Filter, fields).CountAsync());
    }

    [Fact]
    public async Task Translate_PassesValuesAsParameters_SoEveryValueSharesOneQueryShape()
    {
        await using var db = store.CreateContext();
        var fields = TaskRqlFields.For(db);
        string Sql(string rql) => Regex.Replace(
            db.Tasks.ApplyQuery(RqlParser.Parse(rql), fields).ToQueryString(), @"^(\.param set |-- @).*$\n?", "", RegexOptions.Multiline); // the parameter values: SQLite's, PostgreSQL's

        var first = Sql("eq(tags,alpha)&gt(priority,1)&like(functionName,x)&ge(creationTimestamp,2024-01-01)");
        var second = Sql("eq(tags,omega)&gt(priority,7)&like(functionName,y)&ge(creationTimestamp,2025-01-01)");

        Assert.Equal(first, second);
        Assert.DoesNotContain("alpha", first);
    }
}

/// <summary>Every translator test again, over the same tasks in PostgreSQL: each operator answers as on SQLite.</summary>
public sealed class PostgreSqlRqlTranslatorTests(PostgreSqlRqlTaskStoreFixture store)
    : RqlTranslatorTests(store), IClassFixture<PostgreSqlRqlTaskStoreFixture>;
