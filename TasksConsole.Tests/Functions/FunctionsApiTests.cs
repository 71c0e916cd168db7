using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using TasksConsole.Core.Auth;
using TasksConsole.Tests.Infrastructure;

namespace TasksConsole.Tests.Functions;

public sealed class FunctionsApiTests(TasksConsoleFactory factory) : IClassFixture<TasksConsoleFactory>
{
    private const string Functions = "/tasks/v1/functions/";

    private static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    [Fact]
    public async Task Create_ReturnsTheDetails_WithDefaults_AndNeverTheCode()
    {
        var client = await factory.CreateClientAsync(Role.Admin);
        var name = UniqueName("defaults");

        var response = await client.PostAsJsonAsync(Functions, new { name, code = "UEsDBBQAAAAIAA==", entryPoint = "index.handler", runtime = "nodejs24.x" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var function = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(name, function.GetProperty("name").GetString());
        Assert.False(function.TryGetProperty("code", out _), "code is write-only");
        Assert.Equal(("index.handler", "nodejs24.x"), (function.GetProperty("entryPoint").GetString(), function.GetProperty("runtime").GetString()));
        Assert.Equal((30, 128), (function.GetProperty("timeLimit").GetInt32(), function.GetProperty("memoryLimit").GetInt32()));
        Assert.Equal("permissionRequired", function.GetProperty("executionOptions").GetProperty("permissionMode").GetString());
        Assert.Equal(0, function.GetProperty("executionOptions").GetProperty("defaultPriority").GetInt64());
        var retry = function.GetProperty("retryPolicy");
        Assert.False(retry.GetProperty("enabled").GetBoolean());
        Assert.False(retry.TryGetProperty("errorsToRetry", out _), "no list means every error");
        Assert.Equal([2, 5, 10], retry.GetProperty("retryDelays").EnumerateArray().Select(d => d.GetInt32()));
        Assert.True(function.GetProperty("enabled").GetBoolean());
        Assert.Equal(name, function.GetProperty("lambdaFunctionName").GetString());
        Assert.False(function.TryGetProperty("concurrencyLimit", out _));
        Assert.EndsWith("Z", function.GetProperty("updateTimestamp").GetString());
    }

    [Fact]
    public async Task Create_KeepsEveryFieldGiven_AndEnvironmentVariableNamesVerbatim()
    {
        var client = await factory.CreateClientAsync(Role.Admin);
        var name = UniqueName("full");
        var body = $$$"""
            {"name":"{{{name}}}","description":"Resizes images","timeLimit":900,"memoryLimit":10240,
             "environmentVariables":{"API_KEY":{"value":"k"},"snake_Case_Name":{"value":"ü"}},
             "executionOptions":{"permissionMode":"allUsers","defaultPriority":-4},
             "retryPolicy":{"enabled":true,"errorsToRetry":["TimeoutError"],"retryDelays":[1,30,60,600]},
             "lambdaFunctionName":"arn:aws:lambda:eu-west-1:123456789012:function:resizer","qualifier":"live",
             "concurrencyLimit":3,"somethingUnknown":true}
            """;

        var function = await ReadOkAsync(await client.PostAsync(Functions, Json(body)));
        var fetched = await client.GetFromJsonAsync<JsonElement>(Functions + name);

        foreach (var result in new[] { function, fetched })
        {
            var variables = result.GetProperty("environmentVariables").EnumerateObject().ToList();
            Assert.Equal(["API_KEY", "snake_Case_Name"], variables.Select(v => v.Name));
            Assert.Equal(["k", "ü"], variables.Select(v => v.Value.GetProperty("value").GetString()));
            Assert.Equal(("Resizes images", 900, 10240), (result.GetProperty("description").GetString(), result.GetProperty("timeLimit").GetInt32(), result.GetProperty("memoryLimit").GetInt32()));
            Assert.Equal("allUsers", result.GetProperty("executionOptions").GetProperty("permissionMode").GetString());
            Assert.Equal(-4, result.GetProperty("executionOptions").GetProperty("defaultPriority").GetInt64());
            Assert.Equal(["TimeoutError"], result.GetProperty("retryPolicy").GetProperty("errorsToRetry").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal([1, 30, 60, 600], result.GetProperty("retryPolicy").GetProperty("retryDelays").EnumerateArray().Select(e => e.GetInt32()));
            Assert.Equal("arn:aws:lambda:eu-west-1:123456789012:function:resizer", result.GetProperty("lambdaFunctionName").GetString());
            Assert.Equal(("live", 3), (result.GetProperty("qualifier").GetString(), result.GetProperty("concurrencyLimit").GetInt32()));
            Assert.False(result.TryGetProperty("somethingUnknown", out _));
        }
    }

    [Theory]
    [InlineData("""{"description":"no name"}""", 14)]
    [InlineData("""{"name":"has space"}""", 1407)]
    [InlineData("""{"name":"dots.are.out"}""", 1407)]
    [InlineData("""{"name":42}""", 15)]
    [InlineData("""{"name":"NAME","code":"not base64!"}""", 1401)]
    [InlineData("""{"name":"NAME","code":""}""", 1401)]
    [InlineData("""{"name":"NAME","timeLimit":2}""", 15)]
    [InlineData("""{"name":"NAME","timeLimit":901}""", 15)]
    [InlineData("""{"name":"NAME","timeLimit":"30"}""", 15)]
    [InlineData("""{"name":"NAME","memoryLimit":64}""", 15)]
    [InlineData("""{"name":"NAME","memoryLimit":10241}""", 15)]
    [InlineData("""{"name":"NAME","environmentVariables":{"A":"plain"}}""", 15)]
    [InlineData("""{"name":"NAME","environmentVariables":{"1BAD":{"value":"x"}}}""", 15)]
    [InlineData("""{"name":"NAME","environmentVariables":[]}""", 15)]
    [InlineData("""{"name":"NAME","executionOptions":{"permissionMode":"everyone"}}""", 15)]
    [InlineData("""{"name":"NAME","executionOptions":{"defaultPriority":1.5}}""", 15)]
    [InlineData("""{"name":"NAME","retryPolicy":{"errorsToRetry":["x"]}}""", 14)]
    [InlineData("""{"name":"NAME","retryPolicy":{"enabled":"yes"}}""", 15)]
    [InlineData("""{"name":"NAME","retryPolicy":{"enabled":true,"retryDelays":[1,1,1,1,1,1,1,1,1,1,1]}}""", 15)]
    [InlineData("""{"name":"NAME","retryPolicy":{"enabled":true,"retryDelays":[]}}""", 15)]
    [InlineData("""{"name":"NAME","retryPolicy":{"enabled":true,"retryDelays":[-1]}}""", 15)]
    [InlineData("""{"name":"NAME","concurrencyLimit":0}""", 15)]
    [InlineData("""{"name":"NAME","concurrencyLimit":1001}""", 15)]
    [InlineData("""{"name":"NAME","lambdaFunctionName":"not a lambda name"}""", 15)]
    [InlineData("""{"name":"NAME","qualifier":"a:b"}""", 15)]
    [InlineData("""{"name":"NAME","entryPoint":""}""", 15)]
    [InlineData("""[]""", 22)]
    [InlineData("", 13)]
    public async Task Create_RejectsBadInput_WithTheSpecsErrorCode(string body, int expectedCode)
    {
        var client = await factory.CreateClientAsync(Role.Admin);

        var response = await client.PostAsync(Functions, Json(body.Replace("NAME", UniqueName("bad"))));

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, expectedCode);
    }

    [Theory]
    [InlineData("""{"name":"\ud800"}""")]
    [InlineData("""{"name":"NAME","description":"\ud800"}""")]
    [InlineData("""{"name":"NAME","environmentVariables":{"\ud800":{"value":"a"}}}""")]
    [InlineData("""{"name":"NAME","environmentVariables":{"A":{"value":"\udc00"}}}""")]
    [InlineData("""{"name":"NAME","retryPolicy":{"enabled":true,"errorsToRetry":["\ud800"]}}""")]
    [InlineData("""{"name":"NAME","\ud800":1}""")]
    public async Task CreateAndUpdate_RefuseTextThatIsNotUnicode_With400(string body)
    {
        var client = await factory.CreateClientAsync(Role.Admin);
        var name = UniqueName("unicode");
        await ReadOkAsync(await client.PostAsJsonAsync(Functions, new { name }));

        var created = await client.PostAsync(Functions, Json(body.Replace("NAME", UniqueName("bad"))));
        var updated = await client.PutAsync(Functions + name, Json(body.Replace("NAME", name)));

        await AssertErrorAsync(created, HttpStatusCode.BadRequest, 22);
        await AssertErrorAsync(updated, HttpStatusCode.BadRequest, 22);
    }

    [Theory]
    [InlineData("""{"name":"NAME","timeLimit":1e400}""")]
    [InlineData("""{"name":"NAME","timeLimit":9223372036854775807}""")]
    [InlineData("""{"name":"NAME","memoryLimit":-9223372036854775808}""")]
    [InlineData("""{"name":"NAME","concurrencyLimit":99999999999999999999}""")]
    [InlineData("""{"name":"NAME","executionOptions":{"defaultPriority":9223372036854775807}}""")]
    [InlineData("""{"name":"NAME","retryPolicy":{"enabled":true,"retryDelays":[1e10]}}""")]
    [InlineData("""{"name":"NAME","retryPolicy":{"enabled":true,"retryDelays":[2147483647]}}""")]
    public async Task Create_RefusesNumbersOutOfRange_With400(string body)
    {
        var client = await factory.CreateClientAsync(Role.Admin);

        var response = await client.PostAsync(Functions, Json(body.Replace("NAME", UniqueName("huge"))));

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, 15);
    }

    [Theory]
    [InlineData("""{"timeLimit":null,"memoryLimit":null,"retryPolicy":null,"executionOptions":null,"environmentVariables":null,"description":null,"lambdaFunctionName":null,"qualifier":null,"code":null,"concurrencyLimit":null}""", 200)]
    [InlineData("""{"retryPolicy":{"enabled":null}}""", 400)]
    [InlineData("""{"retryPolicy":{"enabled":true,"retryDelays":[null]}}""", 400)]
    [InlineData("""{"environmentVariables":{"A":null}}""", 400)]
    [InlineData("""{"executionOptions":{"permissionMode":null,"defaultPriority":null}}""", 200)]
    [InlineData("""{"entryPoint":"","runtime":""}""", 400)]
    [InlineData("""{"description":""}""", 200)]
    [InlineData("null", 400)]
    public async Task Update_TakesNullsAsDefaults_AndRefusesNullsOrEmptyStringsWhereAValueIsNeeded(string body, int expectedStatus)
    {
        var client = await factory.CreateClientAsync(Role.Admin);
        var name = UniqueName("nulls");
        await ReadOkAsync(await client.PostAsJsonAsync(Functions, new { name }));

        var response = await client.PutAsync(Functions + name, Json(body));

        Assert.Equal((HttpStatusCode)expectedStatus, response.StatusCode);
    }

    [Theory]
    [InlineData("POST", "%20/disable")]
    [InlineData("GET", "%ff")]
    [InlineData("DELETE", "%20")]
    [InlineData("POST", "no-such-function/execute")]
    public async Task UnknownOrOddNamesInThePath_Answer404(string method, string path)
    {
        var client = await factory.CreateClientAsync(Role.Admin);

        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), Functions + path) { Content = Json("{}") });

        await AssertErrorAsync(response, HttpStatusCode.NotFound, 16);
    }

    [Fact]
    public async Task Create_RefusesADuplicateName_WithCode17()
    {
        var client = await factory.CreateClientAsync(Role.Admin);
        var name = UniqueName("twice");
        await ReadOkAsync(await client.PostAsJsonAsync(Functions, new { name }));

        var again = await client.PostAsJsonAsync(Functions, new { name, description = "second" });

        await AssertErrorAsync(again, HttpStatusCode.BadRequest, 17);
    }

    [Fact]
    public async Task List_ReturnsEveryFunctionInOnePage_IgnoringRql_WithoutDetails()
    {
        var client = await factory.CreateClientAsync(Role.Admin);
        var names = new[] { UniqueName("list"), UniqueName("list") };
        foreach (var name in names)
        {
            await ReadOkAsync(await client.PostAsJsonAsync(Functions, new { name, description = "listed", environmentVariables = new { SECRET = new { value = "s" } } }));
        }

        var page = await client.GetFromJsonAsync<JsonElement>(Functions + "?limit(1)&eq(name,nothing)");

        var data = page.GetProperty("data").EnumerateArray().ToList();
        Assert.True(data.Count >= 2);
        Assert.Equal(data.Count, page.GetProperty("page").GetProperty("total").GetInt32());
        Assert.Equal(data.Count, page.GetProperty("page").GetProperty("limit").GetInt32());
        Assert.Equal(0, page.GetProperty("page").GetProperty("offset").GetInt32());
        var item = data.Single(f => f.GetProperty("name").GetString() == names[0]);
        Assert.Equal("listed", item.GetProperty("description").GetString());
        Assert.True(item.TryGetProperty("updateTimestamp", out _));
        Assert.False(item.TryGetProperty("environmentVariables", out _), "the list needs only VIEW_TASK_FUNCTIONS; variables are details");
    }

    [Fact]
    public async Task EnvironmentValues_ReachOnlyAdmins_WhoseReadsAreAudited()
    {
        var admin = await factory.CreateClientAsync(Role.Admin);
        var name = UniqueName("secrets");
        await ReadOkAsync(await admin.PostAsJsonAsync(Functions, new { name, environmentVariables = Variables(("API_KEY", "k-secret"), ("EMPTY", "")) }));

        foreach (var role in new[] { Role.Viewer, Role.Operator })
        {
            var response = await (await factory.CreateClientAsync(role)).GetAsync(Functions + name);
            var body = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.DoesNotContain("k-secret", body);
            var variables = JsonDocument.Parse(body).RootElement.GetProperty("environmentVariables");
            Assert.True(variables.GetProperty("API_KEY").GetProperty("set").GetBoolean());
            Assert.False(variables.GetProperty("EMPTY").GetProperty("set").GetBoolean());
            Assert.False(variables.GetProperty("API_KEY").TryGetProperty("value", out _));
        }

        var revealed = await admin.GetFromJsonAsync<JsonElement>(Functions + name);
        Assert.Equal("k-secret", revealed.GetProperty("environmentVariables").GetProperty("API_KEY").GetProperty("value").GetString());
        var audit = await admin.GetFromJsonAsync<JsonElement>($"/admin/v1/audit?eq(action,function.revealEnvironment)&eq(targetId,{name})");
        var entry = Assert.Single(audit.GetProperty("data").EnumerateArray());
        Assert.Equal("api", entry.GetProperty("source").GetString());
    }

    [Fact]
    public async Task Update_KeepsTheStoredValue_OfAVariableGivenWithoutOne()
    {
        var admin = await factory.CreateClientAsync(Role.Admin);
        var name = UniqueName("keep");
        await ReadOkAsync(await admin.PostAsJsonAsync(Functions, new { name, environmentVariables = Variables(("API_KEY", "k-secret"), ("OLD", "o")) }));

        var kept = await admin.PutAsync(Functions + name, Json("""{"environmentVariables":{"API_KEY":{},"NEW":{"value":"n"}}}"""));
        var unknown = await admin.PutAsync(Functions + name, Json("""{"environmentVariables":{"NEVER_STORED":{}}}"""));

        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
        var variables = (await admin.GetFromJsonAsync<JsonElement>(Functions + name)).GetProperty("environmentVariables");
        Assert.Equal(["API_KEY=k-secret", "NEW=n"], variables.EnumerateObject().Select(v => $"{v.Name}={v.Value.GetProperty("value").GetString()}"));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        var error = await unknown.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(15, error.GetProperty("code").GetInt32());
        Assert.Contains("NEVER_STORED", error.GetProperty("message").GetString());
    }

    /// <summary>Variables keyed as given: the web JSON defaults would camel-case the names of an anonymous object.</summary>
    private static Dictionary<string, object> Variables(params (string Name, string Value)[] variables) =>
        variables.ToDictionary(v => v.Name, v => (object)new { value = v.Value });

    [Fact]
    public async Task Get_AnswersUnknownFunctions_WithCode16()
    {
        var client = await factory.CreateClientAsync(Role.Viewer);

        var response = await client.GetAsync(Functions + "no-such-function");

        await AssertErrorAsync(response, HttpStatusCode.NotFound, 16);
    }

    [Fact]
    public async Task Update_ChangesOnlyTheFieldsGiven_AndIgnoresUnknownOnes()
    {
        var client = await factory.CreateClientAsync(Role.Admin);
        var name = UniqueName("partial");
        await ReadOkAsync(await client.PostAsJsonAsync(Functions, new
        {
            name, description = "before", timeLimit = 60, runtime = "python3.13", concurrencyLimit = 4,
            retryPolicy = new { enabled = true, errorsToRetry = new[] { "E" } },
        }));
        var before = await client.GetFromJsonAsync<JsonElement>(Functions + name);

        var response = await client.PutAsync(Functions + name, Json($$"""{"name":"{{name}}","description":"after","concurrencyLimit":null,"tries":7}"""));

        Assert.Equal(1, (await ReadOkAsync(response)).GetProperty("affectedRecords").GetInt32());
        var after = await client.GetFromJsonAsync<JsonElement>(Functions + name);
        Assert.Equal("after", after.GetProperty("description").GetString());
        Assert.False(after.TryGetProperty("concurrencyLimit", out _), "null resets the limit");
        Assert.Equal((60, "python3.13"), (after.GetProperty("timeLimit").GetInt32(), after.GetProperty("runtime").GetString()));
        Assert.Equal(before.GetProperty("retryPolicy").GetRawText(), after.GetProperty("retryPolicy").GetRawText());
        Assert.True(DateTimeOffset.Parse(after.GetProperty("updateTimestamp").GetString()!) >= DateTimeOffset.Parse(before.GetProperty("updateTimestamp").GetString()!));
    }

    [Fact]
    public async Task Update_ReplacesTheRetryPolicyAsAWhole()
    {
        var client = await factory.CreateClientAsync(Role.Admin);
        var name = UniqueName("policy");
        await ReadOkAsync(await client.PostAsJsonAsync(Functions, new { name, retryPolicy = new { enabled = true, errorsToRetry = new[] { "E" }, retryDelays = new[] { 9 } } }));

        await ReadOkAsync(await client.PutAsJsonAsync(Functions + name, new { retryPolicy = new { enabled = false } }));

        var policy = (await client.GetFromJsonAsync<JsonElement>(Functions + name)).GetProperty("retryPolicy");
        Assert.False(policy.GetProperty("enabled").GetBoolean());
        Assert.False(policy.TryGetProperty("errorsToRetry", out _));
        Assert.Equal([2, 5, 10], policy.GetProperty("retryDelays").EnumerateArray().Select(d => d.GetInt32()));
    }

    [Fact]
    public async Task Update_RefusesRenamesBadValuesAndUnknownFunctions()
    {
        var client = await factory.CreateClientAsync(Role.Admin);
        var name = UniqueName("strict");
        await ReadOkAsync(await client.PostAsJsonAsync(Functions, new { name, timeLimit = 10 }));

        var rename = await client.PutAsJsonAsync(Functions + name, new { name = name + "-renamed" });
        var invalid = await client.PutAsJsonAsync(Functions + name, new { timeLimit = 1000 });
        var unknown = await client.PutAsJsonAsync(Functions + "no-such-function", new { description = "x" });

        await AssertErrorAsync(rename, HttpStatusCode.BadRequest, 26);
        await AssertErrorAsync(invalid, HttpStatusCode.BadRequest, 15);
        await AssertErrorAsync(unknown, HttpStatusCode.NotFound, 16);
        Assert.Equal(10, (await client.GetFromJsonAsync<JsonElement>(Functions + name)).GetProperty("timeLimit").GetInt32());
    }

    [Fact]
    public async Task EnableAndDisable_ReportTheRowsActuallyChanged_OverPostAndGet()
    {
        var client = await factory.CreateClientAsync(Role.Admin);
        var name = UniqueName("toggle");
        await ReadOkAsync(await client.PostAsJsonAsync(Functions, new { name }));

        var alreadyEnabled = await AffectedAsync(await client.PostAsJsonAsync($"{Functions}{name}/enable", new { }));
        var disabled = await AffectedAsync(await client.PostAsJsonAsync($"{Functions}{name}/disable", new { }));
        var stateWhileDisabled = (await client.GetFromJsonAsync<JsonElement>(Functions + name)).GetProperty("enabled").GetBoolean();
        var disabledAgain = await AffectedAsync(await client.GetAsync($"{Functions}{name}/disable"));
        var enabledByGet = await AffectedAsync(await client.GetAsync($"{Functions}{name}/enable"));
        var unknown = await client.PostAsync($"{Functions}no-such-function/enable", null);

        Assert.Equal((0, 1, false, 0, 1), (alreadyEnabled, disabled, stateWhileDisabled, disabledAgain, enabledByGet));
        Assert.True((await client.GetFromJsonAsync<JsonElement>(Functions + name)).GetProperty("enabled").GetBoolean());
        await AssertErrorAsync(unknown, HttpStatusCode.NotFound, 16);
    }

    [Fact]
    public async Task Delete_RemovesTheFunction_ButKeepsItsTasks()
    {
        var client = await factory.CreateClientAsync(Role.Admin);
        var name = UniqueName("gone");
        await ReadOkAsync(await client.PostAsJsonAsync(Functions, new { name }));
        var task = await ReadOkAsync(await client.PostAsJsonAsync("/tasks/v1/", new { functionName = name, startTimestamp = "2099-01-01T00:00:00Z" }));

        var deleted = await AffectedAsync(await client.DeleteAsync(Functions + name));
        var getAfter = await client.GetAsync(Functions + name);
        var deleteAgain = await client.DeleteAsync(Functions + name);
        var tasks = await client.GetFromJsonAsync<JsonElement>($"/tasks/v1/?eq(id,{task.GetProperty("id").GetString()})");

        Assert.Equal(1, deleted);
        await AssertErrorAsync(getAfter, HttpStatusCode.NotFound, 16);
        await AssertErrorAsync(deleteAgain, HttpStatusCode.NotFound, 16);
        Assert.Equal(1, tasks.GetProperty("page").GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task NewTasks_TakeTheFunctionsDefaultPriority_WhenTheyGiveNone()
    {
        var client = await factory.CreateClientAsync(Role.Admin);
        var name = UniqueName("ranked");
        await ReadOkAsync(await client.PostAsJsonAsync(Functions, new { name, executionOptions = new { defaultPriority = 7 } }));

        var defaulted = await ReadOkAsync(await client.PostAsJsonAsync("/tasks/v1/", new { functionName = name, startTimestamp = "2099-01-01T00:00:00Z" }));
        var given = await ReadOkAsync(await client.PostAsJsonAsync("/tasks/v1/", new { functionName = name, priority = 2, startTimestamp = "2099-01-01T00:00:00Z" }));
        await ReadOkAsync(await client.PutAsJsonAsync(Functions + name, new { executionOptions = new { defaultPriority = 11 } }));
        var afterUpdate = await ReadOkAsync(await client.PostAsJsonAsync("/tasks/v1/", new { functionName = name, startTimestamp = "2099-01-01T00:00:00Z" }));
        var unregistered = await ReadOkAsync(await client.PostAsJsonAsync("/tasks/v1/", new { functionName = UniqueName("unknown"), startTimestamp = "2099-01-01T00:00:00Z" }));

        Assert.Equal((7L, 2L, 11L, 0L), (
            defaulted.GetProperty("priority").GetInt64(),
            given.GetProperty("priority").GetInt64(),
            afterUpdate.GetProperty("priority").GetInt64(),
            unregistered.GetProperty("priority").GetInt64()));
    }

    [Fact]
    public async Task AViewer_CanListAndRead_ButNotChangeFunctions()
    {
        var admin = await factory.CreateClientAsync(Role.Admin);
        var viewer = await factory.CreateClientAsync(Role.Viewer);
        var name = UniqueName("guarded");
        await ReadOkAsync(await admin.PostAsJsonAsync(Functions, new { name }));

        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync(Functions)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync(Functions + name)).StatusCode);
        await AssertErrorAsync(await viewer.PostAsJsonAsync(Functions, new { name = UniqueName("nope") }), HttpStatusCode.Unauthorized, 10);
        await AssertErrorAsync(await viewer.PutAsJsonAsync(Functions + name, new { description = "x" }), HttpStatusCode.Unauthorized, 10);
        await AssertErrorAsync(await viewer.DeleteAsync(Functions + name), HttpStatusCode.Unauthorized, 10);
        await AssertErrorAsync(await viewer.PostAsJsonAsync($"{Functions}{name}/disable", new { }), HttpStatusCode.Unauthorized, 10);
        await AssertErrorAsync(await factory.CreateClient().GetAsync(Functions), HttpStatusCode.Unauthorized, 104);
    }

    [Fact]
    public async Task AFunctionNamedLikeATaskRoute_IsStillAFunction()
    {
        var client = await factory.CreateClientAsync(Role.Admin);
        await client.PostAsJsonAsync(Functions, new { name = "logs" });

        var response = await client.GetAsync(Functions + "logs");

        Assert.Equal("logs", (await ReadOkAsync(response)).GetProperty("name").GetString());
    }

    [Theory]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("...")]
    public async Task AFunctionNameOfDotsOnly_IsRefusedAsAnInvalidName(string name)
    {
        var client = await factory.CreateClientAsync(Role.Admin);

        await AssertErrorAsync(await client.PostAsJsonAsync(Functions, new { name }), HttpStatusCode.BadRequest, 1407);
    }

    [Theory]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("...")]
    [InlineData("..:live")]
    [InlineData("arn:aws:lambda:eu-west-1:123456789012:function:..")]
    public async Task ALambdaNameOfDotsOnly_IsRefused_OnCreateAndUpdate_WithFieldFormat(string lambdaFunctionName)
    {
        var client = await factory.CreateClientAsync(Role.Admin);
        var name = UniqueName("dots");
        await ReadOkAsync(await client.PostAsJsonAsync(Functions, new { name }));

        await AssertErrorAsync(await client.PostAsJsonAsync(Functions, new { name = UniqueName("dots"), lambdaFunctionName }), HttpStatusCode.BadRequest, 15);
        await AssertErrorAsync(await client.PutAsJsonAsync(Functions + name, new { lambdaFunctionName }), HttpStatusCode.BadRequest, 15);
        Assert.Equal(name, (await client.GetFromJsonAsync<JsonElement>(Functions + name)).GetProperty("lambdaFunctionName").GetString());
    }

    [Theory]
    [InlineData("resizer.v2")]
    [InlineData(".hidden")]
    public async Task ALambdaNameWithDotsAndMore_IsKept(string lambdaFunctionName)
    {
        var client = await factory.CreateClientAsync(Role.Admin);

        var function = await ReadOkAsync(await client.PostAsJsonAsync(Functions, new { name = UniqueName("dotted"), lambdaFunctionName }));

        Assert.Equal(lambdaFunctionName, function.GetProperty("lambdaFunctionName").GetString());
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

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
        var error = JsonDocument.Parse(body).RootElement;
        Assert.Equal(code, error.GetProperty("code").GetInt32());
        Assert.EndsWith("_EXCEPTION", error.GetProperty("name").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
    }
}
