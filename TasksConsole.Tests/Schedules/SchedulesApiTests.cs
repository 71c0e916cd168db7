using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using TasksConsole.Core.Auth;
using TasksConsole.Tests.Infrastructure;

namespace TasksConsole.Tests.Schedules;

public sealed class SchedulesApiTests(TasksConsoleFactory factory) : IClassFixture<TasksConsoleFactory>
{
    private const string Schedules = "/tasks/v1/schedules";
    private const string Future = "2099-01-01T00:00:00.000Z";

    private static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    [Fact]
    public async Task Create_ReturnsTheSchedule_WithDataVerbatim_AndItsFirstFiringAtTheStart()
    {
        var client = await factory.CreateClientAsync(Role.Admin);
        const string body = """{"functionName":"report","interval":3600,"data":{"Snake_Key":1,"a b":[1,2.5]},"priority":3,"startTimestamp":"2099-01-01T00:00:00Z"}""";

        var schedule = await ReadOkAsync(await client.PostAsync(Schedules, Json(body)));

        Assert.Matches("^[0-9a-f]{24}$", schedule.GetProperty("id").GetString());
        Assert.Equal(("report", 3600, 3), (schedule.GetProperty("functionName").GetString(), schedule.GetProperty("interval").GetInt32(), schedule.GetProperty("priority").GetInt32()));
        Assert.Equal("""{"Snake_Key":1,"a b":[1,2.5]}""", schedule.GetProperty("data").GetRawText());
        Assert.Equal(Future, schedule.GetProperty("startTimestamp").GetString());
        Assert.Equal(Future, schedule.GetProperty("nextTimestamp").GetString());
        Assert.False(schedule.GetProperty("paused").GetBoolean());
        Assert.False(schedule.TryGetProperty("cron", out _));
        Assert.EndsWith("Z", schedule.GetProperty("creationTimestamp").GetString());
        Assert.False(string.IsNullOrEmpty(schedule.GetProperty("createdByUserId").GetString()));
    }

    [Fact]
    public async Task Create_DefaultsTheStartToNow_AndLeavesOutAnAbsentPriority()
    {
        var client = await factory.CreateClientAsync(Role.Admin);
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        var schedule = await ReadOkAsync(await client.PostAsJsonAsync(Schedules, new { functionName = "report", interval = 86400, paused = true }));

        var start = DateTimeOffset.Parse(schedule.GetProperty("startTimestamp").GetString()!);
        Assert.InRange(start, before, DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.False(schedule.TryGetProperty("priority", out _));
        Assert.Equal("{}", schedule.GetProperty("data").GetRawText());
    }

    [Fact]
    public async Task Create_TakesACronInATimeZone_InsteadOfAnInterval()
    {
        var client = await factory.CreateClientAsync(Role.Admin);

        var schedule = await ReadOkAsync(await client.PostAsJsonAsync(Schedules, new
        {
            functionName = "report", cron = "0 9 * * *", timeZone = "Europe/Brussels", startTimestamp = "2099-03-27T00:00:00Z", tags = new[] { "daily" },
        }));

        Assert.False(schedule.TryGetProperty("interval", out _));
        Assert.Equal(("0 9 * * *", "Europe/Brussels"), (schedule.GetProperty("cron").GetString(), schedule.GetProperty("timeZone").GetString()));
        Assert.Equal("2099-03-27T08:00:00.000Z", schedule.GetProperty("nextTimestamp").GetString());
        Assert.Equal(["daily"], schedule.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
    }

    [Theory]
    [InlineData("""{"interval":60}""", 14)]
    [InlineData("""{"functionName":"f"}""", 14)]
    [InlineData("""{"functionName":"f","interval":60,"cron":"* * * * *"}""", 15)]
    [InlineData("""{"functionName":"f","interval":0}""", 15)]
    [InlineData("""{"functionName":"f","interval":1.5}""", 15)]
    [InlineData("""{"functionName":"f","interval":"60"}""", 15)]
    [InlineData("""{"functionName":"f","interval":999999999999}""", 15)]
    [InlineData("""{"functionName":"f","cron":"every day"}""", 15)]
    [InlineData("""{"functionName":"f","cron":"0 9 * * *","timeZone":"Mars/Base"}""", 15)]
    [InlineData("""{"functionName":"f","interval":60,"timeZone":"Europe/Brussels"}""", 15)]
    [InlineData("""{"functionName":"has space","interval":60}""", 15)]
    [InlineData("""{"functionName":"f","interval":60,"data":[1]}""", 15)]
    [InlineData("""{"functionName":"f","interval":60,"priority":"high"}""", 15)]
    [InlineData("""{"functionName":"f","interval":60,"startTimestamp":"tomorrow"}""", 15)]
    [InlineData("""{"functionName":"f","interval":60,"tags":[""]}""", 15)]
    [InlineData("""{"functionName":"f","interval":60,"paused":"no"}""", 15)]
    [InlineData("""{"functionName":""", 22)]
    [InlineData("", 13)]
    public async Task Create_RejectsBadInput_WithTheSpecsErrorCode(string body, int expectedCode)
    {
        var client = await factory.CreateClientAsync(Role.Admin);

        var response = await client.PostAsync(Schedules, Json(body));

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, expectedCode);
    }

    [Theory]
    [InlineData("Europe")]
    [InlineData("America")]
    [InlineData("Etc")]
    [InlineData("Europe/")]
    [InlineData("localtime")]
    [InlineData("../../etc/passwd")]
    [InlineData(" UTC")]
    public async Task Create_RefusesATimeZoneThatIsNoZone_With400(string timeZone)
    {
        var client = await factory.CreateClientAsync(Role.Admin);

        var response = await client.PostAsJsonAsync(Schedules, new { functionName = "f", cron = "0 9 * * *", timeZone });

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, 15);
    }

    [Theory]
    [InlineData("""{"functionName":1,"interval":60}""", 15)]
    [InlineData("""{"functionName":"f","cron":5}""", 15)]
    [InlineData("""{"functionName":"f","cron":"0 9 * * *","timeZone":true}""", 15)]
    [InlineData("""{"functionName":"f","interval":60,"data":"x"}""", 15)]
    [InlineData("""{"functionName":"f","interval":60,"tags":"a"}""", 15)]
    [InlineData("""{"functionName":"f","interval":60,"tags":[1]}""", 15)]
    [InlineData("""{"functionName":"f","interval":60,"startTimestamp":-1}""", 15)]
    [InlineData("""{"functionName":"f","interval":[60]}""", 15)]
    public async Task Create_RefusesWrongJsonTypes_With400(string body, int expectedCode) =>
        await AssertErrorAsync(await PostAsync(body), HttpStatusCode.BadRequest, expectedCode);

    [Theory]
    [InlineData("""{"functionName":"f","interval":1e400}""")]
    [InlineData("""{"functionName":"f","interval":99999999999999999999999}""")]
    [InlineData("""{"functionName":"f","interval":60,"priority":9223372036854775807}""")]
    [InlineData("""{"functionName":"f","interval":60,"priority":-9223372036854775808}""")]
    [InlineData("""{"functionName":"f","interval":60,"priority":1e400}""")]
    [InlineData("""{"functionName":"f","interval":60,"startTimestamp":"99999-01-01T00:00:00Z"}""")]
    [InlineData("""{"functionName":"f","interval":60,"startTimestamp":"0001-01-01T00:00:00+14:00"}""")]
    [InlineData("""{"functionName":"f","cron":"0 9 * * *","startTimestamp":"9999-12-31T23:59:59Z"}""")]
    public async Task Create_RefusesNumbersAndDatesOutOfRange_With400(string body) =>
        await AssertErrorAsync(await PostAsync(body), HttpStatusCode.BadRequest, 15);

    [Theory]
    [InlineData("""{"functionName":"","interval":60}""", 14)]
    [InlineData("""{"functionName":" ","interval":60}""", 15)]
    [InlineData("""{"functionName":"f","cron":"   "}""", 14)]
    [InlineData("""{"functionName":"f","interval":60,"startTimestamp":""}""", 15)]
    [InlineData("""{"functionName":"f","interval":60,"tags":[""]}""", 15)]
    [InlineData("""{"functionName":"f","cron":"0 9 * * *","timeZone":" "}""", 15)]
    public async Task Create_RefusesEmptyStrings_With400(string body, int expectedCode) =>
        await AssertErrorAsync(await PostAsync(body), HttpStatusCode.BadRequest, expectedCode);

    [Theory]
    [InlineData("@reboot")]
    [InlineData("@every 5m")]
    [InlineData("@")]
    [InlineData("* * * * * * *")]
    [InlineData("*/0 * * * *")]
    [InlineData("0 0 31 2 *")]
    [InlineData("0 25 * * *")]
    public async Task Create_RefusesACronExpressionThatIsBadOrNeverFires_With400(string cron)
    {
        var client = await factory.CreateClientAsync(Role.Admin);

        var response = await client.PostAsJsonAsync(Schedules, new { functionName = "f", cron });

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, 15);
    }

    [Theory]
    [InlineData("""{"functionName":null,"interval":null,"cron":null,"timeZone":null,"data":null,"priority":null,"startTimestamp":null,"tags":null,"paused":null}""", 14)]
    [InlineData("""{"functionName":"f","interval":null,"cron":null}""", 14)]
    [InlineData("""{"functionName":"f","interval":60,"tags":[null]}""", 15)]
    [InlineData("null", 22)]
    public async Task Create_RefusesNullsWhereAValueIsNeeded_With400(string body, int expectedCode) =>
        await AssertErrorAsync(await PostAsync(body), HttpStatusCode.BadRequest, expectedCode);

    [Theory]
    [InlineData("""{"functionName":"\ud800","interval":60}""")]
    [InlineData("""{"functionName":"f","interval":60,"tags":["\udc00"]}""")]
    [InlineData("""{"functionName":"f","cron":"\ud800"}""")]
    public async Task Create_RefusesTextThatIsNotUnicode_With400(string body) =>
        await AssertErrorAsync(await PostAsync(body), HttpStatusCode.BadRequest, 22);

    [Fact]
    public async Task Create_WithAnIntervalAndAnEmptyCron_IsAnIntervalSchedule_WithNoCron()
    {
        var client = await factory.CreateClientAsync(Role.Admin);

        var schedule = await ReadOkAsync(await client.PostAsync(Schedules, Json("""{"functionName":"f","interval":60,"cron":"","paused":true}""")));

        Assert.Equal(60, schedule.GetProperty("interval").GetInt32());
        Assert.False(schedule.TryGetProperty("cron", out _));
    }

    [Fact]
    public async Task Find_FiltersSortsAndPagesWithRql_EchoingTheEffectiveLimit()
    {
        var client = await factory.CreateClientAsync(Role.Admin);
        var name = UniqueName("listed");
        var slow = await CreateAsync(client, new { functionName = name, interval = 600, startTimestamp = Future });
        var fast = await CreateAsync(client, new { functionName = name, interval = 60, startTimestamp = Future });
        await CreateAsync(client, new { functionName = UniqueName("other"), interval = 60, startTimestamp = Future });

        var sorted = await FindAsync(client, $"eq(functionName,{name})&sort(+interval)");
        var paged = await FindAsync(client, $"eq(functionName,{name})&limit(500,1)");
        var projected = await FindAsync(client, $"eq(id,{fast})&select(id,interval)&skipCount()");

        Assert.Equal([fast, slow], sorted.GetProperty("data").EnumerateArray().Select(s => s.GetProperty("id").GetString()));
        Assert.Equal(2, sorted.GetProperty("page").GetProperty("total").GetInt64());
        Assert.Equal(20, sorted.GetProperty("page").GetProperty("limit").GetInt32());
        Assert.Equal((50, 1), (paged.GetProperty("page").GetProperty("limit").GetInt32(), paged.GetProperty("page").GetProperty("offset").GetInt32()));
        Assert.Single(paged.GetProperty("data").EnumerateArray());
        Assert.False(projected.GetProperty("page").TryGetProperty("total", out _));
        Assert.Equal(["id", "interval"], projected.GetProperty("data")[0].EnumerateObject().Select(p => p.Name));
    }

    [Theory]
    [InlineData("eq(interval")]
    [InlineData("eq(data,1)")]
    [InlineData("gt(nextTimestamp,soon)")]
    public async Task Find_RejectsBadRql_WithCode19(string rql)
    {
        var client = await factory.CreateClientAsync(Role.Viewer);

        var response = await client.GetAsync(Schedules + "?" + rql);

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, 19);
    }

    [Fact]
    public async Task Delete_RemovesTheSchedule_AndReportsUnknownAndMalformedIds()
    {
        var client = await factory.CreateClientAsync(Role.Admin);
        var id = await CreateAsync(client, new { functionName = "f", interval = 60, startTimestamp = Future });

        var deleted = await AffectedAsync(await client.DeleteAsync($"{Schedules}/{id}"));
        var again = await client.DeleteAsync($"{Schedules}/{id}");
        var malformed = await client.DeleteAsync($"{Schedules}/not-an-id");

        Assert.Equal(1, deleted);
        Assert.Equal(0, (await FindAsync(client, $"eq(id,{id})")).GetProperty("page").GetProperty("total").GetInt64());
        await AssertErrorAsync(again, HttpStatusCode.NotFound, 16);
        await AssertErrorAsync(malformed, HttpStatusCode.BadRequest, 12);
    }

    [Fact]
    public async Task PauseAndResume_ReportTheRowsActuallyChanged()
    {
        var client = await factory.CreateClientAsync(Role.Admin);
        var id = await CreateAsync(client, new { functionName = "f", interval = 60, startTimestamp = Future });

        var paused = await AffectedAsync(await client.PostAsJsonAsync($"{Schedules}/{id}/pause", new { }));
        var pausedAgain = await AffectedAsync(await client.PostAsJsonAsync($"{Schedules}/{id}/pause", new { }));
        var listedPaused = (await FindAsync(client, $"eq(id,{id})&eq(paused,true)")).GetProperty("page").GetProperty("total").GetInt64();
        var resumed = await AffectedAsync(await client.PostAsJsonAsync($"{Schedules}/{id}/resume", new { }));
        var resumedAgain = await AffectedAsync(await client.PostAsJsonAsync($"{Schedules}/{id}/resume", new { }));
        var unknown = await client.PostAsJsonAsync($"{Schedules}/0123456789abcdef01234567/pause", new { });

        Assert.Equal((1, 0, 1L, 1, 0), (paused, pausedAgain, listedPaused, resumed, resumedAgain));
        await AssertErrorAsync(unknown, HttpStatusCode.NotFound, 16);
    }

    [Fact]
    public async Task FireNow_CreatesOneTaskStartingNow_LikeAFiring_AndLeavesTheNextSlotAlone()
    {
        var client = await factory.CreateClientAsync(Role.Admin);
        var name = UniqueName("fired");
        var id = await CreateAsync(client, new { functionName = name, interval = 3600, data = new { n = 1 }, priority = 6, tags = new[] { "from-schedule" }, startTimestamp = Future });
        var before = (await FindAsync(client, $"eq(id,{id})")).GetProperty("data")[0];
        var sent = DateTimeOffset.UtcNow.AddSeconds(-1);

        var task = await ReadOkAsync(await client.PostAsync($"{Schedules}/{id}/fire", content: null));

        var start = DateTimeOffset.Parse(task.GetProperty("startTimestamp").GetString()!);
        Assert.InRange(start, sent, DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal(task.GetProperty("creationTimestamp").GetString(), task.GetProperty("startTimestamp").GetString());
        Assert.Equal((name, 6L, "new"), (task.GetProperty("functionName").GetString(), task.GetProperty("priority").GetInt64(), task.GetProperty("status").GetString()));
        Assert.Equal("""{"n":1}""", task.GetProperty("data").GetRawText());
        Assert.Equal(["from-schedule"], task.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.False(string.IsNullOrEmpty(task.GetProperty("createdByUserId").GetString()), "whoever fires it is the task's creator");
        var linked = await FindTasksAsync(client, $"eq(scheduleId,{id})");
        Assert.Equal([task.GetProperty("id").GetString()], linked.GetProperty("data").EnumerateArray().Select(t => t.GetProperty("id").GetString()));
        var after = (await FindAsync(client, $"eq(id,{id})")).GetProperty("data")[0];
        Assert.Equal(Future, after.GetProperty("nextTimestamp").GetString());
        Assert.False(after.TryGetProperty("lastFiredTimestamp", out _));
        Assert.Equal(before.GetProperty("updateTimestamp").GetString(), after.GetProperty("updateTimestamp").GetString());
    }

    [Fact]
    public async Task FireNow_FiresAPausedScheduleToo_AndItStaysPaused()
    {
        var client = await factory.CreateClientAsync(Role.Admin);
        var name = UniqueName("paused");
        var id = await CreateAsync(client, new { functionName = name, interval = 60, paused = true });

        var first = await ReadOkAsync(await client.PostAsJsonAsync($"{Schedules}/{id}/fire", new { }));
        var second = await ReadOkAsync(await client.PostAsJsonAsync($"{Schedules}/{id}/fire", new { }));

        var linked = await FindTasksAsync(client, $"eq(scheduleId,{id})&sort(+id)");
        Assert.Equal(new[] { first, second }.Select(t => t.GetProperty("id").GetString()).Order(StringComparer.Ordinal),
            linked.GetProperty("data").EnumerateArray().Select(t => t.GetProperty("id").GetString()));
        Assert.Equal(name, first.GetProperty("functionName").GetString());
        Assert.True((await FindAsync(client, $"eq(id,{id})")).GetProperty("data")[0].GetProperty("paused").GetBoolean());
    }

    [Fact]
    public async Task FireNow_AnswersAnUnknownId_With404_AndAMalformedOne_With400()
    {
        var client = await factory.CreateClientAsync(Role.Admin);
        var id = await CreateAsync(client, new { functionName = "f", interval = 60, startTimestamp = Future });
        await AffectedAsync(await client.DeleteAsync($"{Schedules}/{id}"));

        await AssertErrorAsync(await client.PostAsJsonAsync($"{Schedules}/{id}/fire", new { }), HttpStatusCode.NotFound, 16);
        await AssertErrorAsync(await client.PostAsJsonAsync($"{Schedules}/0123456789abcdef01234567/fire", new { }), HttpStatusCode.NotFound, 16);
        await AssertErrorAsync(await client.PostAsJsonAsync($"{Schedules}/not-an-id/fire", new { }), HttpStatusCode.BadRequest, 12);
        Assert.Equal(0, (await FindTasksAsync(client, $"eq(scheduleId,{id})")).GetProperty("page").GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task FireNow_TakesThePermissionToCreateTasks_AnOperatorMay_AViewerMayNot()
    {
        var admin = await factory.CreateClientAsync(Role.Admin);
        var operatorClient = await factory.CreateClientAsync(Role.Operator);
        var viewer = await factory.CreateClientAsync(Role.Viewer);
        var id = await CreateAsync(admin, new { functionName = UniqueName("perm"), interval = 60, startTimestamp = Future });

        var byOperator = await ReadOkAsync(await operatorClient.PostAsJsonAsync($"{Schedules}/{id}/fire", new { }));
        var operatorPausing = await operatorClient.PostAsJsonAsync($"{Schedules}/{id}/pause", new { });
        var byViewer = await viewer.PostAsJsonAsync($"{Schedules}/{id}/fire", new { });
        var anonymous = await factory.CreateClient().PostAsJsonAsync($"{Schedules}/{id}/fire", new { });

        Assert.Equal(byOperator.GetProperty("id").GetString(),
            Assert.Single((await FindTasksAsync(admin, $"eq(scheduleId,{id})")).GetProperty("data").EnumerateArray()).GetProperty("id").GetString());
        await AssertErrorAsync(operatorPausing, HttpStatusCode.Unauthorized, 10);
        await AssertErrorAsync(byViewer, HttpStatusCode.Unauthorized, 10);
        await AssertErrorAsync(anonymous, HttpStatusCode.Unauthorized, 104);
    }

    [Fact]
    public async Task Preview_ListsTheNextFirings()
    {
        var client = await factory.CreateClientAsync(Role.Viewer);
        var admin = await factory.CreateClientAsync(Role.Admin);
        var id = await CreateAsync(admin, new { functionName = "f", interval = 90, startTimestamp = Future });

        var three = await client.GetFromJsonAsync<JsonElement>($"{Schedules}/{id}/preview?count=3");
        var byDefault = await client.GetFromJsonAsync<JsonElement>($"{Schedules}/{id}/preview");
        var tooMany = await client.GetAsync($"{Schedules}/{id}/preview?count=1000");
        var notANumber = await client.GetAsync($"{Schedules}/{id}/preview?count=all");

        Assert.Equal(["2099-01-01T00:00:00.000Z", "2099-01-01T00:01:30.000Z", "2099-01-01T00:03:00.000Z"],
            three.GetProperty("data").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(10, byDefault.GetProperty("data").GetArrayLength());
        await AssertErrorAsync(tooMany, HttpStatusCode.BadRequest, 15);
        await AssertErrorAsync(notANumber, HttpStatusCode.BadRequest, 15);
    }

    [Fact]
    public async Task AViewer_CanListSchedules_ButNotChangeThem()
    {
        var admin = await factory.CreateClientAsync(Role.Admin);
        var viewer = await factory.CreateClientAsync(Role.Viewer);
        var id = await CreateAsync(admin, new { functionName = "f", interval = 60, startTimestamp = Future });

        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync(Schedules)).StatusCode);
        await AssertErrorAsync(await viewer.PostAsJsonAsync(Schedules, new { functionName = "f", interval = 60 }), HttpStatusCode.Unauthorized, 10);
        await AssertErrorAsync(await viewer.DeleteAsync($"{Schedules}/{id}"), HttpStatusCode.Unauthorized, 10);
        await AssertErrorAsync(await viewer.PostAsJsonAsync($"{Schedules}/{id}/pause", new { }), HttpStatusCode.Unauthorized, 10);
        await AssertErrorAsync(await factory.CreateClient().GetAsync(Schedules), HttpStatusCode.Unauthorized, 104);
    }

    [Fact]
    public async Task ADueSchedule_CreatesItsTask_AndDeletingTheScheduleKeepsIt()
    {
        var client = await factory.CreateClientAsync(Role.Admin);
        var name = UniqueName("fires");
        var id = await CreateAsync(client, new { functionName = name, interval = 3600, data = new { n = 1 }, priority = 6, tags = new[] { "from-schedule" } });

        var watch = Stopwatch.StartNew();
        JsonElement page;
        do
        {
            await Task.Delay(50);
            page = await FindTasksAsync(client, $"eq(scheduleId,{id})");
        }
        // Waits for the row itself: the page and its total are two reads, and the task may commit between them.
        while (page.GetProperty("data").GetArrayLength() == 0 && watch.Elapsed < TimeSpan.FromSeconds(15));
        await AffectedAsync(await client.DeleteAsync($"{Schedules}/{id}"));
        var afterDelete = await FindTasksAsync(client, $"eq(scheduleId,{id})");

        var task = Assert.Single(page.GetProperty("data").EnumerateArray());
        Assert.Equal((name, 6L), (task.GetProperty("functionName").GetString(), task.GetProperty("priority").GetInt64()));
        Assert.Equal("""{"n":1}""", task.GetProperty("data").GetRawText());
        Assert.Equal(["from-schedule"], task.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.False(task.TryGetProperty("createdByUserId", out _), "a scheduled task has no creator");
        Assert.Equal(1, afterDelete.GetProperty("page").GetProperty("total").GetInt64());
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private async Task<HttpResponseMessage> PostAsync(string body) =>
        await (await factory.CreateClientAsync(Role.Admin)).PostAsync(Schedules, Json(body));

    private static async Task<string> CreateAsync(HttpClient client, object body) =>
        (await ReadOkAsync(await client.PostAsJsonAsync(Schedules, body))).GetProperty("id").GetString()!;

    private static async Task<JsonElement> FindAsync(HttpClient client, string rql) =>
        await ReadOkAsync(await client.GetAsync(Schedules + "?" + rql));

    private static async Task<JsonElement> FindTasksAsync(HttpClient client, string rql) =>
        await ReadOkAsync(await client.GetAsync("/tasks/v1/?" + rql));

    private static async Task<JsonElement> ReadOkAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static async Task<int> AffectedAsync(HttpResponseMessage response) =>
        (await ReadOkAsync(response)).GetProperty("affectedRecords").GetInt32();

    private static async Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, int code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal(code, JsonDocument.Parse(body).RootElement.GetProperty("code").GetInt32());
    }
}
