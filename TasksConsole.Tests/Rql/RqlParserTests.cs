using TasksConsole.Core.Common;
using TasksConsole.Core.Rql;
using static TasksConsole.Tests.Rql.RqlTestEncoding;

namespace TasksConsole.Tests.Rql;

public sealed class RqlParserTests
{
    private static RqlCondition Condition(RqlOperator op, string field, params object?[] values) =>
        new(op, field, values.Select(v => v is null ? RqlValue.Null : new RqlValue(v, Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)!)).ToList(), []);

    private static RqlNode Filter(string raw) => RqlParser.Parse(raw).Filter!;

    private static ServiceException Invalid(string raw)
    {
        var error = Assert.Throws<ServiceException>(() => RqlParser.Parse(raw));
        Assert.Equal(19, error.Error.Code);
        Assert.Same(ErrorCode.InvalidRql, error.Error);
        return error;
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("?")]
    [InlineData("   ")]
    public void Parse_ReturnsAnEmptyQuery_WhenThereIsNoQuery(string? raw)
    {
        var query = RqlParser.Parse(raw);

        Assert.Null(query.Filter);
        Assert.Null(query.Limit);
        Assert.Null(query.Offset);
        Assert.Empty(query.Sort);
        Assert.Null(query.Select);
        Assert.False(query.SkipCount);
    }

    [Theory]
    [InlineData("eq", RqlOperator.Eq)]
    [InlineData("ne", RqlOperator.Ne)]
    [InlineData("gt", RqlOperator.Gt)]
    [InlineData("ge", RqlOperator.Ge)]
    [InlineData("lt", RqlOperator.Lt)]
    [InlineData("le", RqlOperator.Le)]
    [InlineData("like", RqlOperator.Like)]
    public void Parse_ReadsEachComparisonOperator(string name, RqlOperator op)
    {
        Assert.Equal(Condition(op, "priority", 3L), Filter($"{name}(priority,3)"));
    }

    [Fact]
    public void Parse_ReadsInAndOut_WithFlatValues()
    {
        Assert.Equal(Condition(RqlOperator.In, "status", "new", "failed"), Filter("in(status,new,failed)"));
        Assert.Equal(Condition(RqlOperator.Out, "status", "new"), Filter("out(status,new)"));
    }

    [Fact]
    public void Parse_ReadsInAndOut_WithANestedArray()
    {
        Assert.Equal(Condition(RqlOperator.In, "status", "new", "failed"), Filter("in(status,(new,failed))"));
    }

    [Fact]
    public void Parse_ReadsSlashArraysAsValuesAndAsFieldPaths()
    {
        Assert.Equal(Condition(RqlOperator.In, "status", "new", "failed"), Filter("in(status,new/failed)"));
        Assert.Equal(Condition(RqlOperator.Eq, "error.type", "runtime"), Filter("eq(error/type,runtime)"));
    }

    [Fact]
    public void Parse_ReadsContainsAndExcludes_AsPresenceTests()
    {
        Assert.Equal(new RqlCondition(RqlOperator.Contains, "tags", [], []), Filter("contains(tags)"));
        Assert.Equal(new RqlCondition(RqlOperator.Excludes, "error", [], []), Filter("excludes(error)"));
    }

    [Fact]
    public void Parse_ReadsContainsAndExcludes_WithConditionsOnArrayElements()
    {
        var expected = new RqlCondition(RqlOperator.Contains, "items",
            [], [Condition(RqlOperator.Eq, "name", "a"), Condition(RqlOperator.Gt, "count", 2L)]);

        Assert.Equal(expected, Filter("contains(items,eq(name,a),gt(count,2))"));
        Assert.Equal(RqlOperator.Excludes, ((RqlCondition)Filter("excludes(items,eq(name,a))")).Operator);
    }

    [Fact]
    public void Parse_ReadsAndAndOr_AsCalls()
    {
        var expected = new RqlLogical(RqlOperator.Or,
            [Condition(RqlOperator.Eq, "status", "new"), new RqlLogical(RqlOperator.And,
                [Condition(RqlOperator.Gt, "priority", 1L), Condition(RqlOperator.Lt, "priority", 5L)])]);

        Assert.Equal(expected, Filter("or(eq(status,new),and(gt(priority,1),lt(priority,5)))"));
    }

    [Fact]
    public void Parse_JoinsTopLevelAmpersands_WithAnd()
    {
        var expected = new RqlLogical(RqlOperator.And,
            [Condition(RqlOperator.Eq, "status", "new"), Condition(RqlOperator.Eq, "priority", 1L)]);

        Assert.Equal(expected, Filter("eq(status,new)&eq(priority,1)"));
    }

    [Fact]
    public void Parse_JoinsTopLevelBars_WithOr()
    {
        var expected = new RqlLogical(RqlOperator.Or,
            [Condition(RqlOperator.Eq, "status", "new"), Condition(RqlOperator.Eq, "status", "failed")]);

        Assert.Equal(expected, Filter("status=new|status=failed"));
    }

    [Fact]
    public void Parse_ReadsParenthesisedGroups()
    {
        var expected = new RqlLogical(RqlOperator.And,
            [new RqlLogical(RqlOperator.Or, [Condition(RqlOperator.Eq, "status", "new"), Condition(RqlOperator.Eq, "status", "failed")]),
             Condition(RqlOperator.Ge, "priority", 3L)]);

        Assert.Equal(expected, Filter("(status=new|status=failed)&priority>=3"));
    }

    [Theory]
    [InlineData("priority=3", RqlOperator.Eq)]
    [InlineData("priority==3", RqlOperator.Eq)]
    [InlineData("priority!=3", RqlOperator.Ne)]
    [InlineData("priority<3", RqlOperator.Lt)]
    [InlineData("priority<=3", RqlOperator.Le)]
    [InlineData("priority>3", RqlOperator.Gt)]
    [InlineData("priority>=3", RqlOperator.Ge)]
    [InlineData("priority=gt=3", RqlOperator.Gt)]
    [InlineData("priority=le=3", RqlOperator.Le)]
    [InlineData("priority=ne=3", RqlOperator.Ne)]
    public void Parse_ReadsFiqlShorthands(string raw, RqlOperator op)
    {
        Assert.Equal(Condition(op, "priority", 3L), Filter(raw));
    }

    [Fact]
    public void Parse_ReadsFiqlListOperators_WithAnArray()
    {
        Assert.Equal(Condition(RqlOperator.In, "status", "new", "failed"), Filter("status=in=(new,failed)"));
    }

    [Fact]
    public void Parse_DecodesDoubleEncodedValues()
    {
        var condition = (RqlCondition)Filter("eq(functionName,my%2520func%2520%2528v1%2529)");

        Assert.Equal("functionName", condition.Field);
        Assert.Equal("my func (v1)", condition.Value.Value);
    }

    [Fact]
    public void Parse_KeepsDoubleEncodedDatesAsStrings_ForTheFieldToCast()
    {
        var condition = (RqlCondition)Filter("ge(creationTimestamp,2024%252D01%252D01T00%253A00%253A00%252E000Z)");

        Assert.Equal(Condition(RqlOperator.Ge, "creationTimestamp", "2024-01-01T00:00:00.000Z"), condition);
    }

    [Fact]
    public void Parse_ReadsTheSdkProbeSample_WithOrExcludesContainsAndSkipCount()
    {
        var query = RqlParser.Parse("or(eq(status,failed),like(tags,a%2520b))&excludes(error)&contains(retryForTaskIds)&skipCount()");

        var expected = new RqlLogical(RqlOperator.And,
        [
            new RqlLogical(RqlOperator.Or, [Condition(RqlOperator.Eq, "status", "failed"), Condition(RqlOperator.Like, "tags", "a b")]),
            new RqlCondition(RqlOperator.Excludes, "error", [], []),
            new RqlCondition(RqlOperator.Contains, "retryForTaskIds", [], []),
        ]);
        Assert.Equal(expected, query.Filter);
        Assert.True(query.SkipCount);
    }

    [Fact]
    public void Parse_DecodesValuesTheSdkEncodes_WhateverTheyContain()
    {
        const string value = "a,b&c|d(e)=f<g>h!~*'+ é/%";

        var condition = (RqlCondition)Filter($"eq(functionName,{SdkEncoded(value)})");

        Assert.Equal(value, condition.Value.Value);
    }

    [Fact]
    public void Parse_KeepsPlusSigns_InSort()
    {
        var query = RqlParser.Parse("sort(+functionName,-priority,status)");

        Assert.Equal([new RqlSortKey("functionName"), new RqlSortKey("priority", true), new RqlSortKey("status")], query.Sort);
        Assert.Null(query.Filter);
    }

    [Fact]
    public void Parse_KeepsPlusSigns_InValues()
    {
        Assert.Equal("a+b", ((RqlCondition)Filter("eq(functionName,a+b)")).Value.Value);
    }

    [Fact]
    public void Parse_ReadsLimitAndOffset()
    {
        var query = RqlParser.Parse("eq(status,new)&limit(10,20)");

        Assert.Equal(10, query.Limit);
        Assert.Equal(20, query.Offset);
        Assert.Equal(Condition(RqlOperator.Eq, "status", "new"), query.Filter);
    }

    [Fact]
    public void Parse_ReadsLimitWithoutOffset()
    {
        var query = RqlParser.Parse("limit(50)");

        Assert.Equal(50, query.Limit);
        Assert.Null(query.Offset);
    }

    [Fact]
    public void EffectiveLimit_ClampsToTheMaximum_AndDefaultsWhenAbsent()
    {
        Assert.Equal(50, RqlParser.Parse("limit(500)").EffectiveLimit(20, 50));
        Assert.Equal(20, RqlParser.Parse("eq(a,1)").EffectiveLimit(20, 50));
    }

    [Fact]
    public void Parse_ExtractsDirectives_FromATopLevelAnd()
    {
        var query = RqlParser.Parse("and(eq(status,new),limit(5,10),sort(-priority),select(id,status),skip_count())");

        Assert.Equal(Condition(RqlOperator.Eq, "status", "new"), query.Filter);
        Assert.Equal(5, query.Limit);
        Assert.Equal(10, query.Offset);
        Assert.Equal([new RqlSortKey("priority", true)], query.Sort);
        Assert.Equal(["id", "status"], query.Select);
        Assert.True(query.SkipCount);
    }

    [Fact]
    public void Parse_ReadsSelect()
    {
        Assert.Equal(["id", "error.type", "tags"], RqlParser.Parse("select(id,error.type,tags)").Select);
    }

    [Theory]
    [InlineData("string:3", "3")]
    [InlineData("string:true", "true")]
    [InlineData("string:null", "null")]
    [InlineData("string:a%2520b", "a b")]
    [InlineData("number:3", 3L)]
    [InlineData("number:%252D2.5", -2.5)]
    [InlineData("boolean:true", true)]
    [InlineData("boolean:false", false)]
    public void Parse_ReadsTypedValues(string raw, object expected)
    {
        Assert.Equal(expected, ((RqlCondition)Filter($"eq(field,{raw})")).Value.Value);
    }

    [Theory]
    [InlineData("date:2024-01-02T03:04:05Z")]
    [InlineData("isodate:2024-01-02T03:04:05.000Z")]
    [InlineData("date:2024%252D01%252D02T03%253A04%253A05Z")]
    [InlineData("epoch:1704164645000")]
    public void Parse_ReadsTypedDates(string raw)
    {
        var expected = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero);

        Assert.Equal(expected, ((RqlCondition)Filter($"eq(field,{raw})")).Value.Value);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    [InlineData("3", 3L)]
    [InlineData("-3", -3L)]
    [InlineData("%252D3", -3L)]
    [InlineData("2.5", 2.5)]
    [InlineData("9007199254740993", 9007199254740993L)]
    [InlineData("007", "007")]
    [InlineData("1e3", "1e3")]
    [InlineData("2.50", "2.50")]
    [InlineData("abc", "abc")]
    [InlineData("'quoted'", "quoted")]
    [InlineData("2024-01-01T00:00:00Z", "2024-01-01T00:00:00Z")]
    public void Parse_AutoTypesValues(string raw, object expected)
    {
        Assert.Equal(expected, ((RqlCondition)Filter($"eq(field,{raw})")).Value.Value);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("undefined")]
    public void Parse_ReadsNull(string raw)
    {
        Assert.True(((RqlCondition)Filter($"eq(field,{raw})")).Value.IsNull);
    }

    [Fact]
    public void Parse_ReadsAnEmptyValue_AsAnEmptyString()
    {
        Assert.Equal("", ((RqlCondition)Filter("eq(functionName,)")).Value.Value);
    }

    [Fact]
    public void Parse_IgnoresFormattingWhitespace()
    {
        Assert.Equal(Filter("and(eq(status,new),gt(priority,1))"), Filter("and( eq(status, new) , gt( priority ,1 ) )"));
    }

    [Theory]
    [InlineData("or(eq(status,failed),like(tags,a%2520b))&excludes(error)&contains(retryForTaskIds)")]
    [InlineData("eq(functionName,my%2520func%2520%2528v1%2529)")]
    [InlineData("and(in(status,new,failed),ge(startTimestamp,epoch:1704067200000),eq(id,string:007),le(priority,-2.5))")]
    [InlineData("contains(items,eq(name,null),ne(flag,true))")]
    public void ToString_RendersRqlThatParsesBackToTheSameFilter(string raw)
    {
        var filter = Filter(raw);

        Assert.Equal(filter, Filter(filter.ToString()));
    }

    [Theory]
    [InlineData("eq(status,new")]
    [InlineData("eq(status,new))")]
    [InlineData("(eq(status,new)")]
    [InlineData("and(eq(a,1),or(eq(b,2)")]
    public void Parse_Rejects_UnbalancedParentheses(string raw)
    {
        Invalid(raw);
    }

    [Fact]
    public void Parse_Rejects_AnUnknownOperator_NamingItAndItsPosition()
    {
        var error = Invalid("eq(status,new)&bogus(priority,3)");

        Assert.Contains("bogus", error.Message);
        Assert.Contains("position 16", error.Message);
    }

    [Fact]
    public void Parse_Rejects_AnUnknownFiqlOperator()
    {
        Assert.Contains("'foo'", Invalid("priority=foo=3").Message);
    }

    [Theory]
    [InlineData("eq(a,1)&eq(b,2)|eq(c,3)")]
    [InlineData("eq(a,1)|eq(b,2)&eq(c,3)")]
    [InlineData("(eq(a,1)&eq(b,2)|eq(c,3))")]
    [InlineData("eq(a,1),eq(b,2)|eq(c,3)")]
    public void Parse_Rejects_MixingAmpersandAndBar_InOneGroup(string raw)
    {
        Assert.Contains("mixed", Invalid(raw).Message);
    }

    [Theory]
    [InlineData("eq(a,1&b)")]
    [InlineData("or(eq(a,1)&eq(b,2))")]
    [InlineData("and(eq(a,1)|eq(b,2))")]
    public void Parse_Rejects_ConjunctionsAsArgumentSeparators_OutsideTheirOwnCall(string raw)
    {
        Invalid(raw);
    }

    [Theory]
    [InlineData("eq(priority)")]
    [InlineData("eq(priority,1,2)")]
    [InlineData("gt(priority,(1,2))")]
    [InlineData("in(status)")]
    [InlineData("contains()")]
    [InlineData("limit()")]
    [InlineData("limit(1,2,3)")]
    [InlineData("sort()")]
    [InlineData("select()")]
    [InlineData("skipCount(1)")]
    [InlineData("and()")]
    [InlineData("or()")]
    public void Parse_Rejects_WrongArity(string raw)
    {
        Invalid(raw);
    }

    [Theory]
    [InlineData("limit(-1)")]
    [InlineData("limit(%2D1)")]
    [InlineData("limit(10,-5)")]
    [InlineData("limit(abc)")]
    [InlineData("limit(1.5)")]
    [InlineData("limit(99999999999)")]
    public void Parse_Rejects_InvalidLimits(string raw)
    {
        Invalid(raw);
    }

    [Theory]
    [InlineData("limit(1)&limit(2)")]
    [InlineData("sort(a)&sort(b)")]
    [InlineData("eq(a,1)|limit(10)")]
    [InlineData("or(eq(a,1),limit(10))")]
    [InlineData("and(eq(a,1),and(limit(10)))")]
    public void Parse_Rejects_MisplacedOrRepeatedDirectives(string raw)
    {
        Invalid(raw);
    }

    [Theory]
    [InlineData("eq(1a b,1)")]
    [InlineData("eq(,1)")]
    [InlineData("eq(error..type,1)")]
    [InlineData("eq(eq(a,1),1)")]
    [InlineData("sort(-)")]
    [InlineData("sort(a b)")]
    public void Parse_Rejects_InvalidFieldNames(string raw)
    {
        Invalid(raw);
    }

    [Fact]
    public void Parse_Rejects_SelectingAFieldTogetherWithItsSubKey()
    {
        Assert.Contains("error.type", Invalid("select(error,error.type)").Message);
    }

    [Theory]
    [InlineData("eq(a,1)&")]
    [InlineData("&eq(a,1)")]
    [InlineData("eq(a,1)&&eq(b,2)")]
    [InlineData("status")]
    [InlineData("eq(a,1)eq(b,2)")]
    [InlineData("(a,b)")]
    [InlineData("eq(a,(1,2))")]
    [InlineData("like(tags,eq(a,1))")]
    public void Parse_Rejects_MalformedExpressions(string raw)
    {
        Invalid(raw);
    }

    [Theory]
    [InlineData("number:abc")]
    [InlineData("boolean:yes")]
    [InlineData("date:tomorrow")]
    [InlineData("epoch:soon")]
    [InlineData("re:a.*")]
    [InlineData("glob:a*")]
    public void Parse_Rejects_InvalidTypedValues(string raw)
    {
        Invalid($"eq(field,{raw})");
    }

    [Fact]
    public void Parse_Rejects_HugeInput()
    {
        var raw = "in(id," + string.Join(',', Enumerable.Repeat("abcdef", 3000)) + ")";

        Assert.Contains("maximum", Invalid(raw).Message);
    }

    [Fact]
    public void Parse_Rejects_TooManyValuesInOneList()
    {
        Invalid("in(id," + string.Join(',', Enumerable.Repeat("a", 1500)) + ")");
    }

    [Theory]
    [InlineData(40, "(", ")")]
    [InlineData(40, "and(", ")")]
    [InlineData(5000, "(", ")")]
    [InlineData(3000, "not(", "")]
    public void Parse_Rejects_DeepNesting_WithoutOverflowingTheStack(int depth, string open, string close)
    {
        var raw = string.Concat(Enumerable.Repeat(open, depth)) + "eq(a,1)" + string.Concat(Enumerable.Repeat(close, depth));

        Assert.Contains("nested", Invalid(raw).Message);
    }

    [Fact]
    public void Parse_Accepts_NestingUpToTheLimit()
    {
        var raw = string.Concat(Enumerable.Repeat("and(", 30)) + "eq(a,1)" + new string(')', 30);

        Assert.NotNull(RqlParser.Parse(raw).Filter);
    }
}
