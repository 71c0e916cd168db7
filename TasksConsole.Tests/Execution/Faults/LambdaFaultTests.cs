using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using TasksConsole.Core.Auth;
using TasksConsole.Core.Execution;
using TasksConsole.Tests.Infrastructure;
using TasksConsole.Tests.ScaleOut;

namespace TasksConsole.Tests.Execution.Faults;

/// <summary>
/// The whole app against a real HTTP Lambda endpoint that misbehaves: throttling with Retry-After, service faults,
/// connections cut after the function ran, and answers that never come. Tasks are created and read through the REST
/// API and run by Hangfire; the endpoint counts, per task, every request and every run of the function. After each
/// fault every task is terminal, none is lost, and none ran twice: a refused call may be repeated (Lambda did not run
/// it), a call that may have run never is.
/// </summary>
public sealed class LambdaFaultTests(LambdaFaultTests.App app) : IClassFixture<LambdaFaultTests.App>
{
    /// <summary>Generous for a loaded 2-core machine; the faults themselves settle within a few seconds.</summary>
    private static readonly TimeSpan TaskTimeout = TimeSpan.FromSeconds(30);

    private const int TasksPerScenario = 3;

    [Fact]
    public async Task ThrottledWithRetryAfter_ThenAccepted_EachTaskCompletes_RunOnce()
    {
        var client = await app.AdminAsync();
        var function = await app.RegisterAsync(client, "throttled", call => call <= 2 ? LambdaFault.Throttle : LambdaFault.None);

        var ids = await CreateTasksAsync(client, function);
        var tasks = await WaitForTerminalAsync(client, ids);

        Assert.All(tasks, task => Assert.True("complete" == Status(task), app.Explain($"throttled ended {task}")));
        // Retry-After: 1 was honoured: three calls per task, two refused, one that ran.
        Assert.All(ids, id => Assert.Equal((3, 1), (app.Lambda.CallsOf(id), app.Lambda.InvocationsOf(id))));
    }

    [Fact]
    public async Task AServiceFault_ThenAccepted_EachTaskCompletes_RunOnce()
    {
        var client = await app.AdminAsync();
        var function = await app.RegisterAsync(client, "faulted-once", call => call == 1 ? LambdaFault.ServiceError : LambdaFault.None);

        var ids = await CreateTasksAsync(client, function);
        var tasks = await WaitForTerminalAsync(client, ids);

        Assert.All(tasks, task => Assert.True("complete" == Status(task), app.Explain($"faulted-once ended {task}")));
        Assert.All(ids, id => Assert.Equal((2, 1), (app.Lambda.CallsOf(id), app.Lambda.InvocationsOf(id))));
    }

    [Fact]
    public async Task AlwaysAServiceFault_EachTaskFails_WithTheLambdaError_AfterTheConfiguredAttempts_NeverRun()
    {
        var client = await app.AdminAsync();
        var function = await app.RegisterAsync(client, "always-faulted", _ => LambdaFault.ServiceError);

        var ids = await CreateTasksAsync(client, function);
        var tasks = await WaitForTerminalAsync(client, ids);

        Assert.All(tasks, task =>
        {
            Assert.True("failed" == Status(task), app.Explain($"always-faulted ended {task}"));
            Assert.Equal(("invocation", "ServiceException", "Lambda was unable to run the function (scripted fault)."), Error(task));
        });
        Assert.All(ids, id => Assert.Equal((App.MaxAttempts, 0), (app.Lambda.CallsOf(id), app.Lambda.InvocationsOf(id))));
    }

    [Fact]
    public async Task AlwaysThrottled_EachTaskFails_AfterTheConfiguredAttempts_NeverRun_AndItsRetryPolicyMayRunItLater()
    {
        var client = await app.AdminAsync();
        // Lambda refused every call, so nothing ran: unlike an unknown outcome, this failure is safe to retry.
        var function = await app.RegisterAsync(client, "always-throttled", _ => LambdaFault.Throttle, retryAnything: true);

        var ids = await CreateTasksAsync(client, function);
        var tasks = await WaitForTerminalAsync(client, ids);

        Assert.All(tasks, task =>
        {
            Assert.True("retried" == Status(task), app.Explain($"always-throttled ended {task}"));
            Assert.Equal(("invocation", "TooManyRequestsException"), (Error(task).Type, Error(task).Name));
        });
        Assert.All(ids, id => Assert.Equal((App.MaxAttempts, 0), (app.Lambda.CallsOf(id), app.Lambda.InvocationsOf(id))));
        var retries = await WaitForTerminalAsync(client, tasks.Select(t => t.GetProperty("retriedByTaskId").GetString()!).ToList());
        Assert.All(retries, retry => Assert.True("failed" == Status(retry), app.Explain($"the retry ended {retry}")));
        Assert.DoesNotContain(app.Lambda.Invocations, pair => pair.Value > 1);
    }

    [Fact]
    public async Task TheConnectionCutMidResponse_EachTaskFailsAsOutcomeUnknown_AndIsNotInvokedAgain()
    {
        var client = await app.AdminAsync();
        // A retry policy that would retry anything: an unknown outcome must still not be retried.
        var function = await app.RegisterAsync(client, "cut-mid-response", _ => LambdaFault.ResetMidResponse, retryAnything: true);

        var ids = await CreateTasksAsync(client, function);
        var tasks = await WaitForTerminalAsync(client, ids);

        AssertOutcomeUnknown(tasks, "cut-mid-response");
        await AssertNotInvokedAgainAsync(ids);
    }

    [Fact]
    public async Task TheConnectionDroppedBeforeAnyAnswer_EachTaskFailsAsOutcomeUnknown_AndIsNotInvokedAgain()
    {
        var client = await app.AdminAsync();
        // Warm the invoker's pooled connections first: a request that fails on a reused keep-alive connection before
        // any response byte is one HttpClient itself may resend, which for Invoke would run the function twice.
        var warm = await app.RegisterAsync(client, "warm-up", _ => LambdaFault.None);
        await WaitForTerminalAsync(client, await CreateTasksAsync(client, warm));
        var function = await app.RegisterAsync(client, "dropped", _ => LambdaFault.DropBeforeAnswer, retryAnything: true);

        var ids = await CreateTasksAsync(client, function);
        var tasks = await WaitForTerminalAsync(client, ids);

        AssertOutcomeUnknown(tasks, "dropped");
        await AssertNotInvokedAgainAsync(ids);
    }

    [Fact]
    public async Task AHungFunction_TimesOutAtItsTimeLimit_EachTaskFailsAsOutcomeUnknown_WhileTheApiKeepsAnswering()
    {
        var client = await app.AdminAsync();
        var function = await app.RegisterAsync(client, "hung", _ => LambdaFault.Hang, retryAnything: true);
        var healthy = await app.RegisterAsync(client, "healthy-beside-hung", _ => LambdaFault.None);

        var ids = await CreateTasksAsync(client, function);
        await Poll.UntilAsync(() => ids.All(id => app.Lambda.InvocationsOf(id) == 1), TaskTimeout, "every hung task to reach the function");

        // While the calls hang: the tasks read as inProgress, and other work is accepted and runs.
        var during = await ReadAsync(client, ids);
        Assert.All(during, task => Assert.True("inProgress" == Status(task), app.Explain($"while hung: {task}")));
        var listed = await client.GetAsync("/tasks/v1/");
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        var beside = await WaitForTerminalAsync(client, await CreateTasksAsync(client, healthy, count: 1));
        Assert.True("complete" == Status(beside[0]), app.Explain($"a task beside the hung ones ended {beside[0]}"));

        var tasks = await WaitForTerminalAsync(client, ids);
        AssertOutcomeUnknown(tasks, "hung");
        Assert.All(tasks, task => Assert.Contains($"No answer from Lambda within {App.TimeLimitSeconds + App.TimeoutMarginSeconds:0.#} s", Error(task).Message));
        await AssertNotInvokedAgainAsync(ids);
    }

    private void AssertOutcomeUnknown(IReadOnlyList<JsonElement> tasks, string function)
    {
        Assert.All(tasks, task =>
        {
            Assert.True("failed" == Status(task), app.Explain($"{function} ended {task}"));
            var (type, name, message) = Error(task);
            Assert.Equal(("invocation", TaskOutcome.ZombieErrorName), (type, name));
            Assert.Contains("outcome is unknown", message);
            Assert.False(task.TryGetProperty("retriedByTaskId", out _), $"an unknown outcome was retried: {task}");
        });
    }

    /// <summary>Ran once, and still once after a pause long enough for any retry (policy or job) to have fired.</summary>
    private async Task AssertNotInvokedAgainAsync(IReadOnlyList<string> ids)
    {
        Assert.All(ids, id => Assert.Equal((1, 1), (app.Lambda.CallsOf(id), app.Lambda.InvocationsOf(id))));
        await Task.Delay(TimeSpan.FromSeconds(App.RetryDelaySeconds + 1));
        Assert.All(ids, id => Assert.Equal((1, 1), (app.Lambda.CallsOf(id), app.Lambda.InvocationsOf(id))));
        Assert.DoesNotContain(app.Lambda.Invocations, pair => pair.Value > 1);
    }

    private static async Task<IReadOnlyList<string>> CreateTasksAsync(HttpClient client, string function, int count = TasksPerScenario)
    {
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var response = await client.PostAsJsonAsync("/tasks/v1/", new { functionName = function, data = new { i } });
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
            ids.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!);
        }
        return ids;
    }

    /// <summary>The tasks as the API lists them, in the order of <paramref name="ids"/>; none may be missing.</summary>
    private static async Task<IReadOnlyList<JsonElement>> ReadAsync(HttpClient client, IReadOnlyList<string> ids)
    {
        var page = await client.GetFromJsonAsync<JsonElement>($"/tasks/v1/?in(id,{string.Join(',', ids)})");
        var byId = page.GetProperty("data").EnumerateArray().ToDictionary(t => t.GetProperty("id").GetString()!, t => t.Clone());
        Assert.True(ids.All(byId.ContainsKey), $"Lost tasks: {string.Join(", ", ids.Where(id => !byId.ContainsKey(id)))}");
        return ids.Select(id => byId[id]).ToList();
    }

    private async Task<IReadOnlyList<JsonElement>> WaitForTerminalAsync(HttpClient client, IReadOnlyList<string> ids)
    {
        var deadline = DateTime.UtcNow + TaskTimeout;
        while (true)
        {
            var tasks = await ReadAsync(client, ids);
            if (tasks.All(t => Status(t) is not ("new" or "inProgress"))) return tasks;
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail(app.Explain($"Not terminal after {TaskTimeout.TotalSeconds:0} s:\n{string.Join("\n", tasks)}"));
            }
            await Task.Delay(100);
        }
    }

    private static string? Status(JsonElement task) => task.GetProperty("status").GetString();

    private static (string? Type, string? Name, string Message) Error(JsonElement task)
    {
        Assert.True(task.TryGetProperty("error", out var error), $"No error on {task}");
        return (error.GetProperty("type").GetString(), error.GetProperty("name").GetString(), error.GetProperty("message").GetString()!);
    }

    /// <summary>One faulty endpoint and one app for the class; each test registers functions of its own.</summary>
    public sealed class App : IAsyncLifetime
    {
        public const int MaxAttempts = 3;

        /// <summary>The registry's smallest time limit.</summary>
        public const int TimeLimitSeconds = 3;

        public const double TimeoutMarginSeconds = 0.5;

        public const int RetryDelaySeconds = 1;

        public CountingLambda Lambda { get; private set; } = null!;

        public TasksConsoleFactory Factory { get; } = new();

        public async Task InitializeAsync()
        {
            Lambda = await CountingLambda.StartAsync();
            foreach (var (key, value) in Lambda.NodeSettings()) Factory.Settings[key] = value;
            Factory.Settings["Lambda:MaxAttempts"] = MaxAttempts.ToString();
            // A hung call gives up half a second after the function's time limit, not the default five.
            Factory.Settings["Lambda:TimeoutMargin"] = TimeSpan.FromSeconds(TimeoutMarginSeconds).ToString();
        }

        public Task<HttpClient> AdminAsync() => Factory.CreateClientAsync(Role.Admin);

        /// <summary>Registers <paramref name="name"/> on a Lambda function of the same name that answers as scripted.</summary>
        public async Task<string> RegisterAsync(HttpClient client, string name, Func<int, LambdaFault> script, bool retryAnything = false)
        {
            Lambda.Script(name, script);
            var body = new Dictionary<string, object> { ["name"] = name, ["lambdaFunctionName"] = name, ["timeLimit"] = TimeLimitSeconds };
            if (retryAnything) body["retryPolicy"] = new { enabled = true, retryDelays = new[] { RetryDelaySeconds } };
            var response = await client.PostAsJsonAsync("/tasks/v1/functions/", body);
            Assert.True(response.IsSuccessStatusCode, $"Registering {name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            return name;
        }

        /// <summary>A failure message with the app's warnings and errors.</summary>
        public string Explain(string message)
        {
            var appLog = Factory.Logs.Entries.Where(e => e.Level >= LogLevel.Warning).Select(e => $"{e.Level} {e.Category}: {e.Message}");
            return $"{message}\n--- app warnings and errors ---\n{string.Join("\n", appLog)}";
        }

        public async Task DisposeAsync()
        {
            await Factory.DisposeAsync();
            if (Lambda is not null) await Lambda.DisposeAsync();
        }
    }
}
