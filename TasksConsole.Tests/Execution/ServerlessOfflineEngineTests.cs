using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using TasksConsole.Core.Auth;
using TasksConsole.Tests.Infrastructure;

namespace TasksConsole.Tests.Execution;

/// <summary>
/// The engine against a Lambda emulator we did not write: the app is configured with <c>Lambda:ServiceUrl</c> pointing
/// at serverless-offline, functions are registered through the REST API under their emulator names
/// (<c>tc-test-hello</c>, ...), and tasks go through the dispatcher, Hangfire, signed HTTP Invoke and the outcome
/// writer. The assertions follow what serverless-offline really sends: errorType is always "Error", timeouts
/// answer "[504] - Lambda timeout.", and there is no log tail.
/// </summary>
public sealed class ServerlessOfflineEngineTests(ServerlessOfflineEngineTests.App app) : IClassFixture<ServerlessOfflineEngineTests.App>
{
    /// <summary>Generous: the machine may be a loaded 2-core box, and the first call into each function warms a worker.</summary>
    private static readonly TimeSpan TaskTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task AHelloTask_Completes_AndItsLogsCanBeRead()
    {
        var client = await app.AdminAsync();
        await app.RegisterAsync(client, "hello", ServerlessOfflineFixture.FullName("hello"));

        var id = await CreateTaskAsync(client, "hello", new { name = "task" });
        var task = await WaitForTerminalAsync(client, id);
        var logs = await client.GetAsync($"/tasks/v1/{id}/logs");

        Assert.True("complete" == Status(task), app.Explain($"hello ended {task}"));
        Assert.False(task.TryGetProperty("error", out _), task.ToString());
        Assert.True(logs.IsSuccessStatusCode, await logs.Content.ReadAsStringAsync());
        // serverless-offline ignores X-Amz-Log-Type: Tail and sends no X-Amz-Log-Result, so there are no lines to keep.
        var lines = (await logs.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data");
        Assert.Equal(JsonValueKind.Array, lines.ValueKind);
        Assert.Equal(0, lines.GetArrayLength());
    }

    [Fact]
    public async Task ExecutingHelloDirectly_AnswersWithWhatTheHandlerReturned()
    {
        // The tasks API does not expose results; direct execution runs the same invoker and returns the result.
        var client = await app.AdminAsync();
        await app.RegisterAsync(client, "hello-direct", ServerlessOfflineFixture.FullName("hello"));

        var response = await client.PostAsJsonAsync("/tasks/v1/functions/hello-direct/execute", new { data = new { name = "direct", n = 42 } });
        var body = await response.Content.ReadAsStringAsync();

        Assert.True(response.IsSuccessStatusCode, app.Explain($"execute answered {(int)response.StatusCode} {body}"));
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        Assert.Equal("complete", Status(root));
        var result = root.GetProperty("result");
        Assert.Equal("hello from serverless-offline", result.GetProperty("greeting").GetString());
        Assert.Equal("direct", result.GetProperty("received").GetProperty("name").GetString());
        Assert.Equal(42, result.GetProperty("received").GetProperty("n").GetInt32());
    }

    [Fact]
    public async Task ExecutingBoomDirectly_AnswersWithALambdaRuntimeError_NamingTheEmulatorsErrorType()
    {
        var client = await app.AdminAsync();
        await app.RegisterAsync(client, "boom-direct", ServerlessOfflineFixture.FullName("boom"));

        var response = await client.PostAsJsonAsync("/tasks/v1/functions/boom-direct/execute", new { data = new { n = 1 } });
        var body = await response.Content.ReadAsStringAsync();

        Assert.True(400 == (int)response.StatusCode, app.Explain($"execute answered {(int)response.StatusCode} {body}"));
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        Assert.Equal("LAMBDA_RUNTIME_EXCEPTION", root.GetProperty("name").GetString());
        Assert.Equal("Error", root.GetProperty("runtimeError").GetProperty("name").GetString());
        Assert.Equal("kaboom: {\"n\":1}", root.GetProperty("runtimeError").GetProperty("message").GetString());
    }

    [Fact]
    public async Task ABoomTask_Fails_WithARuntimeError_CarryingTheEmulatorsErrorTypeAndMessage()
    {
        var client = await app.AdminAsync();
        await app.RegisterAsync(client, "boom", ServerlessOfflineFixture.FullName("boom"));

        var id = await CreateTaskAsync(client, "boom", new { reason = "test" });
        var task = await WaitForTerminalAsync(client, id);

        Assert.True("failed" == Status(task), app.Explain($"boom ended {task}"));
        // The handler throws a BoomError; serverless-offline hard-codes errorType "Error" (AWS would say BoomError).
        Assert.Equal(("runtime", "Error", "kaboom: {\"reason\":\"test\"}"), Error(task));
    }

    [Fact]
    public async Task ASleepyTaskPastItsTimeout_Fails_WithTheEmulatorsLambdaTimeout()
    {
        var client = await app.AdminAsync();
        // The registry's minimum time limit is 3 s; serverless.yml gives sleepy 2 s, so the emulator times out first.
        await app.RegisterAsync(client, "sleepy", ServerlessOfflineFixture.FullName("sleepy"), timeLimit: 3);

        var id = await CreateTaskAsync(client, "sleepy", new { ms = 20_000 });
        var task = await WaitForTerminalAsync(client, id);

        Assert.True("failed" == Status(task), app.Explain($"sleepy ended {task}"));
        Assert.Equal(("runtime", "Error", "[504] - Lambda timeout."), Error(task));
    }

    [Fact]
    public async Task AFlakyTask_IsRetriedTwice_ThenCompletes_AndTheWholeChainIsLinked()
    {
        var client = await app.AdminAsync();
        await app.RegisterAsync(client, "flaky", ServerlessOfflineFixture.FullName("flaky"),
            retryPolicy: new { enabled = true, retryDelays = new[] { 1, 1 } });

        var firstId = await CreateTaskAsync(client, "flaky", new { failTimes = 2 });
        var first = await WaitForTerminalAsync(client, firstId);
        Assert.True("retried" == Status(first), app.Explain($"the first attempt ended {first}"));
        var secondId = first.GetProperty("retriedByTaskId").GetString()!;
        var second = await WaitForTerminalAsync(client, secondId);
        Assert.True("retried" == Status(second), app.Explain($"the second attempt ended {second}"));
        var thirdId = second.GetProperty("retriedByTaskId").GetString()!;
        var third = await WaitForTerminalAsync(client, thirdId);

        Assert.True("complete" == Status(third), app.Explain($"the third attempt ended {third}"));
        Assert.Equal(("runtime", "Error", "flaky: attempt 1 of 3 fails"), Error(first));
        Assert.Equal(("runtime", "Error", "flaky: attempt 2 of 3 fails"), Error(second));
        Assert.False(first.TryGetProperty("retryForTaskIds", out _), first.ToString());
        Assert.Equal([firstId], RetryForTaskIds(second));
        Assert.Equal([firstId, secondId], RetryForTaskIds(third));
        Assert.False(third.TryGetProperty("retriedByTaskId", out _), third.ToString());
        Assert.All([second, third], retry => Assert.Equal("flaky", retry.GetProperty("functionName").GetString()));
        Assert.All([second, third], retry => Assert.Equal(2, retry.GetProperty("data").GetProperty("failTimes").GetInt32()));
    }

    [Fact]
    public async Task ATaskForALambdaTheEmulatorDoesNotHave_Fails_WithAnInvocationError_ResourceNotFoundException()
    {
        var client = await app.AdminAsync();
        await app.RegisterAsync(client, "ghost", ServerlessOfflineFixture.FullName("ghost"));

        var id = await CreateTaskAsync(client, "ghost", new { });
        var task = await WaitForTerminalAsync(client, id);

        Assert.True("failed" == Status(task), app.Explain($"ghost ended {task}"));
        Assert.Equal(("invocation", "ResourceNotFoundException", "Function not found: tc-test-ghost"), Error(task));
    }

    [Fact]
    public async Task ATaskNamingAnUnregisteredLambdaTheEmulatorHas_RunsThatLambda_AndCompletes()
    {
        var client = await app.AdminAsync();
        var lambdaName = ServerlessOfflineFixture.FullName("hello");

        var id = await CreateTaskAsync(client, lambdaName, new { name = "unregistered" });
        var task = await WaitForTerminalAsync(client, id);

        Assert.True("complete" == Status(task), app.Explain($"{lambdaName} ended {task}"));
        var registered = await client.GetAsync($"/tasks/v1/functions/{lambdaName}");
        Assert.True(404 == (int)registered.StatusCode, "the function ran without being registered, and still is not");
    }

    [Fact]
    public async Task ATaskNamingAnUnregisteredLambdaTheEmulatorDoesNotHave_FailsWithAnInvocationErrorSayingSo()
    {
        var client = await app.AdminAsync();
        var lambdaName = ServerlessOfflineFixture.FullName("nowhere");

        var id = await CreateTaskAsync(client, lambdaName, new { });
        var task = await WaitForTerminalAsync(client, id);

        Assert.True("failed" == Status(task), app.Explain($"{lambdaName} ended {task}"));
        var (type, name, message) = Error(task);
        Assert.Equal(("invocation", "ResourceNotFoundException"), (type, name));
        Assert.Contains($"'{lambdaName}' is neither in the function registry nor a Lambda function", message);
    }

    [Fact]
    public async Task SeveralTasksAtOnce_AllComplete()
    {
        var client = await app.AdminAsync();
        await app.RegisterAsync(client, "hello-many", ServerlessOfflineFixture.FullName("hello"));

        var ids = new List<string>();
        for (var i = 0; i < 8; i++) ids.Add(await CreateTaskAsync(client, "hello-many", new { i }));
        var tasks = new List<JsonElement>();
        foreach (var id in ids) tasks.Add(await WaitForTerminalAsync(client, id));

        Assert.True(tasks.All(t => Status(t) == "complete"), app.Explain(string.Join("\n", tasks)));
    }

    [Fact]
    public async Task AnApiFunctionServedByNode_AnswersThroughTheServer_WithItsStatusHeadersAndBodies()
    {
        var client = await app.AdminAsync();
        await app.RegisterAsync(client, "node-api", ServerlessOfflineFixture.FullName("api"));
        var userId = (await app.Factory.GetTokensAsync(TasksConsoleFactory.AdminEmail, TasksConsoleFactory.AdminPassword)).UserId;

        var created = await client.PostAsJsonAsync("/tasks/v1/api/node-api/items", new { id = "i-1", name = "first" });
        var read = await client.GetAsync("/tasks/v1/api/node-api/items/i-1?verbose=true");
        var pixel = await client.GetAsync("/tasks/v1/api/node-api/pixel");

        Assert.True(created.StatusCode == System.Net.HttpStatusCode.Created, app.Explain($"POST answered {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}"));
        Assert.Equal("/items/i-1", created.Headers.Location?.OriginalString);
        Assert.Equal("first", (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("created").GetProperty("name").GetString());
        var item = await read.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("i-1", "?verbose=true", userId),
            (item.GetProperty("id").GetString(), item.GetProperty("query").GetString(), item.GetProperty("userId").GetString()));
        Assert.Equal("image/gif", pixel.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Convert.FromBase64String("R0lGODlhAQABAAAAACw="), await pixel.Content.ReadAsByteArrayAsync());
    }

    /// <summary>The app against the emulator: one emulator and one app for the class, each test with its own functions.</summary>
    public sealed class App : IAsyncLifetime
    {
        public ServerlessOfflineFixture Emulator { get; } = new();
        public TasksConsoleFactory Factory { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            await Emulator.InitializeAsync();
            Factory = new TasksConsoleFactory();
            Factory.Settings["Lambda:ServiceUrl"] = Emulator.LambdaEndpoint.ToString();
            Factory.Settings["Lambda:Region"] = "us-east-1";
            // serverless-offline does not check signatures; the invoker still signs every call with these.
            Factory.Settings["Lambda:AccessKeyId"] = "AKIDSERVERLESSOFFLINE";
            Factory.Settings["Lambda:SecretAccessKey"] = "not-a-real-secret";
        }

        public Task<HttpClient> AdminAsync() => Factory.CreateClientAsync(Role.Admin);

        public async Task RegisterAsync(HttpClient client, string name, string lambdaFunctionName, int timeLimit = 5, object? retryPolicy = null)
        {
            var body = new Dictionary<string, object> { ["name"] = name, ["lambdaFunctionName"] = lambdaFunctionName, ["timeLimit"] = timeLimit };
            if (retryPolicy is not null) body["retryPolicy"] = retryPolicy;
            var response = await client.PostAsJsonAsync("/tasks/v1/functions/", body);
            Assert.True(response.IsSuccessStatusCode, $"Registering {name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        /// <summary>A failure message with what the emulator printed and the app's warnings and errors.</summary>
        public string Explain(string message)
        {
            var appLog = Factory.Logs.Entries.Where(e => e.Level >= LogLevel.Warning).Select(e => $"{e.Level} {e.Category}: {e.Message}");
            return $"{message}\n--- app warnings and errors ---\n{string.Join("\n", appLog)}\n--- serverless-offline ---\n{Emulator.Output}";
        }

        public async Task DisposeAsync()
        {
            if (Factory is not null) await Factory.DisposeAsync();
            await Emulator.DisposeAsync();
        }
    }

    private static string? Status(JsonElement task) => task.GetProperty("status").GetString();

    private static (string?, string?, string?) Error(JsonElement task)
    {
        Assert.True(task.TryGetProperty("error", out var error), $"No error on {task}");
        return (error.GetProperty("type").GetString(), error.GetProperty("name").GetString(), error.GetProperty("message").GetString());
    }

    private static string[] RetryForTaskIds(JsonElement task) =>
        task.GetProperty("retryForTaskIds").EnumerateArray().Select(x => x.GetString()!).ToArray();

    private static async Task<string> CreateTaskAsync(HttpClient client, string function, object data)
    {
        var response = await client.PostAsJsonAsync("/tasks/v1/", new { functionName = function, data });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private async Task<JsonElement> WaitForTerminalAsync(HttpClient client, string id)
    {
        var deadline = DateTime.UtcNow + TaskTimeout;
        JsonElement task;
        do
        {
            var page = await client.GetFromJsonAsync<JsonElement>($"/tasks/v1/?eq(id,{id})");
            task = page.GetProperty("data")[0].Clone();
            if (Status(task) is not ("new" or "inProgress")) return task;
            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);
        Assert.Fail(app.Explain($"Task {id} is still {Status(task)} after {TaskTimeout.TotalSeconds:0} s."));
        return task;
    }
}
