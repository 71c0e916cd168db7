using TasksConsole.Core.Rql;
using TasksConsole.Core.Tasks;
using TasksConsole.Tests.Rql;
using TasksConsole.Web.Tasks;

namespace TasksConsole.Tests.Tasks;

public sealed class TaskFilterTests
{
    private static readonly DateTimeOffset NewYear = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void AnEmptyFilter_HasNoRql_AndNoQueryString()
    {
        Assert.Equal("", TaskFilter.Empty.ToRql());
        Assert.Equal("", TaskFilter.Empty.ToQueryString());
        Assert.Null(TaskFilter.Empty.ToRqlNode());
        Assert.True(TaskFilter.Empty.IsEmpty);
    }

    [Fact]
    public void OneStatus_IsAnEq_AndSeveralAreOneIn_InStatusOrder()
    {
        Assert.Equal("eq(status,new)", new TaskFilter { Statuses = [TaskState.New] }.ToRql());
        Assert.Equal("in(status,inProgress,failed)", new TaskFilter { Statuses = [TaskState.Failed, TaskState.InProgress] }.ToRql());
    }

    [Fact]
    public void TheFunction_IsAnEq_EncodedAsTheSdkEncodesIt()
    {
        // The wire sample of the EXH SDK for the value "my func (v1)".
        var filter = new TaskFilter { FunctionName = "my func (v1)" };

        Assert.Equal("eq(functionName,my%2520func%2520%2528v1%2529)", filter.ToRql());
    }

    [Fact]
    public void AnyOfTags_IsOneIn_AndAllOfTags_AreOneEqPerTag()
    {
        var filter = new TaskFilter { AnyTags = ["a", "b"], AllTags = ["c", "d"] };

        Assert.Equal("in(tags,a,b)&eq(tags,c)&eq(tags,d)", filter.ToRql());
    }

    [Fact]
    public void TimeBounds_AreGeFromAndLtTo_WithEncodedIsoStrings()
    {
        var filter = new TaskFilter
        {
            CreatedFrom = NewYear,
            CreatedTo = NewYear.AddDays(1),
            StartFrom = NewYear.AddHours(1.5),
            StartTo = NewYear.AddMilliseconds(90_061_001),
        };

        Assert.Equal(
            "ge(creationTimestamp,2024%252D01%252D01T00%253A00%253A00%252E000Z)" +
            "&lt(creationTimestamp,2024%252D01%252D02T00%253A00%253A00%252E000Z)" +
            "&ge(startTimestamp,2024%252D01%252D01T01%253A30%253A00%252E000Z)" +
            "&lt(startTimestamp,2024%252D01%252D02T01%253A01%253A01%252E001Z)",
            filter.ToRql());
    }

    [Fact]
    public void TheId_IsAnEq()
    {
        Assert.Equal("eq(id,65a1f0c2e4b0a1b2c3d4e5f6)", new TaskFilter { Id = " 65a1f0c2e4b0a1b2c3d4e5f6 " }.ToRql());
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("with space")]
    [InlineData("call(with,parens)")]
    [InlineData("a,b")]
    [InlineData("a&b=c|d")]
    [InlineData("100% + 1")]
    [InlineData("it's *starred* ~ok~ !")]
    [InlineData("dash-under_score.dot")]
    [InlineData("été ü 漢字 🚀")]
    [InlineData("-3")]
    [InlineData("null")]
    [InlineData("true")]
    public void EveryValue_IsEncodedLikeTheSdk_AndParsesBackToItself(string value)
    {
        var filter = new TaskFilter { FunctionName = value, AnyTags = [value, "other"], AllTags = [value] };

        var rql = filter.ToRql();
        var conditions = Conditions(RqlParser.Parse(rql).Filter);

        if (value is not ("null" or "undefined")) Assert.Contains(RqlTestEncoding.SdkEncoded(value), rql);
        Assert.Collection(conditions,
            c => AssertCondition(c, RqlOperator.Eq, "functionName", value),
            c => AssertCondition(c, RqlOperator.In, "tags", value, "other"),
            c => AssertCondition(c, RqlOperator.Eq, "tags", value));
    }

    [Fact]
    public void AFullFilter_ParsesToAnAndOfExactlyTheIntendedConditions()
    {
        var filter = new TaskFilter
        {
            Statuses = [TaskState.New, TaskState.Failed],
            FunctionName = "echo",
            AnyTags = ["a b", "c"],
            AllTags = ["d,e"],
            CreatedFrom = NewYear,
            StartTo = NewYear.AddDays(2),
            Id = "65a1f0c2e4b0a1b2c3d4e5f6",
        };

        var node = filter.ToRqlNode();

        var and = Assert.IsType<RqlLogical>(node);
        Assert.Equal(RqlOperator.And, and.Operator);
        Assert.Collection(Conditions(node),
            c => AssertCondition(c, RqlOperator.In, "status", "new", "failed"),
            c => AssertCondition(c, RqlOperator.Eq, "functionName", "echo"),
            c => AssertCondition(c, RqlOperator.In, "tags", "a b", "c"),
            c => AssertCondition(c, RqlOperator.Eq, "tags", "d,e"),
            c => AssertCondition(c, RqlOperator.Ge, "creationTimestamp", "2024-01-01T00:00:00.000Z"),
            c => AssertCondition(c, RqlOperator.Lt, "startTimestamp", "2024-01-03T00:00:00.000Z"),
            c => AssertCondition(c, RqlOperator.Eq, "id", "65a1f0c2e4b0a1b2c3d4e5f6"));
        // The canonical rendering parses back to the same tree: what the page shows is what the store runs.
        Assert.Equal(node, RqlParser.Parse(node!.ToString()).Filter);
    }

    [Fact]
    public void TheListQuery_AddsTheSortAndThePage_NewestFirstByDefault()
    {
        var filter = new TaskFilter { Statuses = [TaskState.Failed] };

        Assert.Equal("eq(status,failed)&sort(-creationTimestamp)&limit(50,100)", TaskListQuery.Build(filter, limit: 50, offset: 100));
        Assert.Equal("sort(+priority)", TaskListQuery.Build(TaskFilter.Empty, new RqlSortKey("priority")));

        var query = RqlParser.Parse(TaskListQuery.Build(filter, new RqlSortKey("priority", true), 20, 40));
        Assert.Equal([new RqlSortKey("priority", true)], query.Sort);
        Assert.Equal((20, 40), (query.Limit, query.Offset));
    }

    [Fact]
    public void TheQueryString_IsShortAndReadable()
    {
        var filter = new TaskFilter
        {
            Statuses = [TaskState.Failed, TaskState.New],
            FunctionName = "echo",
            AnyTags = ["a", "b"],
            AllTags = ["c"],
            CreatedFrom = NewYear,
        };

        Assert.Equal("status=new,failed&fn=echo&any=a,b&all=c&createdFrom=2024-01-01T00:00:00.000Z", filter.ToQueryString());
    }

    [Fact]
    public void EveryFilter_SurvivesTheRoundTripThroughTheUrl()
    {
        var filter = new TaskFilter
        {
            Statuses = [TaskState.Retried, TaskState.Canceled, TaskState.Complete],
            FunctionName = "my func (v1)",
            AnyTags = ["a,b", "c d", "x&y=z", "50%", "1+1", "été 漢字"],
            AllTags = ["?", "#hash", "/slash/"],
            CreatedFrom = NewYear,
            CreatedTo = NewYear.AddDays(1).AddMilliseconds(7),
            StartFrom = NewYear.AddHours(-5),
            StartTo = NewYear.AddYears(1),
            Id = "65a1f0c2e4b0a1b2c3d4e5f6",
        };

        var query = filter.ToQueryString();
        var back = TaskFilter.FromQueryString("?" + query);

        Assert.Equal(filter, back);
        Assert.Equal(filter.ToRql(), back.ToRql());
        Assert.Equal(["a,b", "c d", "x&y=z", "50%", "1+1", "été 漢字"], back.AnyTags);
        Assert.Equal(NewYear.AddDays(1).AddMilliseconds(7), back.CreatedTo);
        // Each list item is escaped on its own, so the separators in the URL are the real ones.
        Assert.Contains("any=a%2Cb,c%20d,", query);
    }

    [Fact]
    public void AHandWrittenLink_IsReadLeniently()
    {
        var filter = TaskFilter.FromQueryString("status=failed,bogus,new&fn=send+mail&any=&colour=red&createdFrom=yesterday&startTo=2024-01-01");

        Assert.Equal([TaskState.Failed, TaskState.New], filter.Statuses);
        Assert.Equal("send mail", filter.FunctionName);
        Assert.Empty(filter.AnyTags);
        Assert.Null(filter.CreatedFrom);
        Assert.Equal(NewYear, filter.StartTo);
    }

    [Fact]
    public void FiltersAreEqual_WhenTheyFilterTheSame()
    {
        var a = new TaskFilter { Statuses = [TaskState.New, TaskState.Failed], AnyTags = ["x"], FunctionName = "" };
        var b = new TaskFilter { Statuses = [TaskState.Failed, TaskState.New, TaskState.New], AnyTags = ["x", "x"] };

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, b with { AllTags = ["x"] });
        Assert.True(new TaskFilter { FunctionName = "  ", AnyTags = [""] }.IsEmpty);
    }

    [Fact]
    public void ACreatedTask_CouldMatch_OnlyWhenEveryConditionItCarriesHolds()
    {
        var task = new TaskRecord { Id = "65a1f0c2e4b0a1b2c3d4e5f6", FunctionName = "echo", Status = TaskState.New };
        task.SetTags(["a", "b"]);
        var change = TaskChange.Created(task, NewYear);

        Assert.True(TaskFilter.Empty.CouldMatch(change));
        Assert.True(new TaskFilter { Statuses = [TaskState.New], FunctionName = "echo", AnyTags = ["z", "a"], AllTags = ["a", "b"] }.CouldMatch(change));
        Assert.True(new TaskFilter { CreatedFrom = NewYear, CreatedTo = NewYear.AddSeconds(1) }.CouldMatch(change));
        // Start times are not in the change: only the store can judge them.
        Assert.True(new TaskFilter { StartFrom = NewYear.AddYears(5) }.CouldMatch(change));

        Assert.False(new TaskFilter { Statuses = [TaskState.Failed] }.CouldMatch(change));
        Assert.False(new TaskFilter { FunctionName = "other" }.CouldMatch(change));
        Assert.False(new TaskFilter { AnyTags = ["z"] }.CouldMatch(change));
        Assert.False(new TaskFilter { AllTags = ["a", "z"] }.CouldMatch(change));
        Assert.False(new TaskFilter { CreatedTo = NewYear }.CouldMatch(change));
        Assert.False(new TaskFilter { Id = "000000000000000000000000" }.CouldMatch(change));
    }

    private static IReadOnlyList<RqlCondition> Conditions(RqlNode? node) => node switch
    {
        RqlCondition condition => [condition],
        RqlLogical { Operator: RqlOperator.And } and => and.Operands.Cast<RqlCondition>().ToList(),
        _ => throw new Xunit.Sdk.XunitException($"Expected conditions, got {node}"),
    };

    private static void AssertCondition(RqlCondition condition, RqlOperator op, string field, params string[] values)
    {
        Assert.Equal(op, condition.Operator);
        Assert.Equal(field, condition.Field);
        Assert.Equal(values, condition.Values.Select(v => v.Value as string ?? v.Text));
    }

    [Fact]
    public void ADataCondition_IsRqlOnTheDataPath_WithTheValueEncoded_AndRoundTripsThroughTheUrl()
    {
        var filter = new TaskFilter { Data = new TaskDataFilter(" order.id ", TaskDataOperator.Eq, "A 17") };

        Assert.Equal("eq(data.order.id,A%252017)", filter.ToRql());
        Assert.Equal("data=order.id&dataValue=A%2017", filter.ToQueryString());
        Assert.Equal(filter, TaskFilter.FromQueryString(filter.ToQueryString()));
        Assert.True(filter.SearchesInside);
        Assert.True(filter.OnlyTheStoreCanJudge);

        var exists = new TaskFilter { Data = new TaskDataFilter("items.0", TaskDataOperator.Exists, "ignored") };
        Assert.Equal("contains(data.items.0)", exists.ToRql());
        Assert.Equal("data=items.0&dataOp=exists", exists.ToQueryString());
        Assert.Equal(exists, TaskFilter.FromQueryString(exists.ToQueryString()));

        var greater = TaskFilter.FromQueryString("?data=qty&dataOp=gt&dataValue=3");
        Assert.Equal("gt(data.qty,3)", greater.ToRql());
    }

    [Theory]
    [InlineData("order..id", TaskDataOperator.Eq, "x")]
    [InlineData("order id", TaskDataOperator.Eq, "x")]
    [InlineData("order.id", TaskDataOperator.Eq, "")]
    [InlineData("order.id", TaskDataOperator.Gt, null)]
    public void AnIncompleteDataCondition_FiltersNothingYet(string path, TaskDataOperator op, string? value)
    {
        var filter = new TaskFilter { Data = new TaskDataFilter(path, op, value) };

        Assert.Equal("", filter.ToRql());
        Assert.True(filter.IsEmpty);
        Assert.False(filter.SearchesInside);
    }

    [Fact]
    public void TheErrorText_MatchesTheErrorsNameOrMessage_AndNoNewTask()
    {
        var filter = new TaskFilter { ErrorText = " timed out " };

        Assert.Equal("or(like(error.name,timed%2520out),like(error.message,timed%2520out))", filter.ToRql());
        Assert.Equal("error=timed%20out", filter.ToQueryString());
        Assert.Equal(filter, TaskFilter.FromQueryString(filter.ToQueryString()));
        Assert.True(filter.SearchesInside);
        Assert.False(filter.OnlyTheStoreCanJudge);
        var created = TaskChange.Created(new TaskRecord { Id = "65a1f0c2e4b0a1b2c3d4e5f6", FunctionName = "echo", Status = TaskState.New }, NewYear);
        Assert.False(filter.CouldMatch(created));
    }
}
