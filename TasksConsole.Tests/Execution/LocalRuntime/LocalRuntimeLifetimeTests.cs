using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TasksConsole.Core.Execution.Lambda;
using TasksConsole.Core.Execution.LocalRuntime;
using TasksConsole.Web.Execution.LocalRuntime;

namespace TasksConsole.Tests.Execution.LocalRuntime;

public sealed class LocalRuntimeLifetimeTests
{
    [Fact]
    public async Task TheFirstInvocation_StartsTheRuntime_WhenTheHostHasNot_AndStoppingEndsRunningFunctions()
    {
        await using var runtime = new LocalLambdaRuntime(new LocalRuntimeOptions(), LocalDemoFunctions.All, NullLoggerFactory.Instance, TimeProvider.System);
        using var invoker = new LambdaInvoker(new LocalRuntimeConnectionSource(runtime), Options.Create(new LambdaOptions()), NullLogger<LambdaInvoker>.Instance);

        var echo = await invoker.InvokeAsync(Invocation("echo", """{"data":"lazy"}"""));
        Assert.Equal("""{"echo":"lazy"}""", Encoding.UTF8.GetString(echo.Payload));

        var sleeping = invoker.InvokeAsync(Invocation("sleep", """{"data":{"ms":20000}}"""));
        await Task.Delay(200);
        var clock = Stopwatch.StartNew();
        await runtime.StopAsync(CancellationToken.None);
        var result = await sleeping;

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"stopping took {clock.Elapsed}");
        Assert.Equal("Unhandled", result.FunctionError);
        Assert.Equal("Runtime.ExitError", result.ParseFunctionError().ErrorType);

        var afterStop = await Assert.ThrowsAsync<LambdaServiceException>(() => invoker.InvokeAsync(Invocation("echo", "{}")));
        Assert.False(afterStop.MayHaveRun);
    }

    [Fact]
    public void HalfAConfiguredKeyPair_IsRefusedAtStart()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new LocalLambdaRuntime(
            new LocalRuntimeOptions { AccessKeyId = "LOCALONLYKEY" }, LocalDemoFunctions.All, NullLoggerFactory.Instance, TimeProvider.System));

        Assert.Contains("Lambda:LocalRuntime:SecretAccessKey", error.Message);
    }

    [Fact]
    public void TheCatalogue_DescribesEveryDemoFunction_WithItsTimeLimit()
    {
        Assert.Equal(["echo", "sleep", "fail", "flaky", "timeout", "noop", "api-demo"], LocalDemoFunctions.All.Select(f => f.Name));
        Assert.All(LocalDemoFunctions.All, f => Assert.False(string.IsNullOrWhiteSpace(f.Description)));
        Assert.Equal(TimeSpan.FromSeconds(3), LocalDemoFunctions.All.Single(f => f.Name == LocalDemoFunctions.Timeout).TimeLimit);
        Assert.Equal(TimeSpan.FromSeconds(30), LocalDemoFunctions.All.Single(f => f.Name == LocalDemoFunctions.Sleep).TimeLimit);
        Assert.True(LocalDemoFunctions.All.Single(f => f.Name == LocalDemoFunctions.Flaky).RetryRecommended);
    }

    private static LambdaInvocation Invocation(string function, string payload) =>
        new(new LambdaTarget(function), Encoding.UTF8.GetBytes(payload), TimeSpan.FromSeconds(30));
}
