using System.Collections.Concurrent;
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
    public async Task TheInnerServer_IsBuiltOutsideTheCallersFlow_SoHostingObserversOfTheOuterAppDoNotTakeItForTheirs()
    {
        using var observer = new HostsBuiltInThisFlow();
        await using var runtime = new LocalLambdaRuntime(new LocalRuntimeOptions(), LocalDemoFunctions.All, NullLoggerFactory.Instance, TimeProvider.System);

        await runtime.StartAsync(CancellationToken.None);

        Assert.NotNull(runtime.Endpoint);
        Assert.Empty(observer.Events);
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

    /// <summary>
    /// Sees the hosting events raised in the flow that created it, the way the test host's entry-point resolver
    /// tells its own app's host from others.
    /// </summary>
    private sealed class HostsBuiltInThisFlow : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
    {
        private static readonly AsyncLocal<HostsBuiltInThisFlow?> Current = new();
        private readonly IDisposable _allListeners;
        private readonly List<IDisposable> _listeners = [];

        public HostsBuiltInThisFlow()
        {
            Current.Value = this;
            _allListeners = DiagnosticListener.AllListeners.Subscribe(this);
        }

        public ConcurrentQueue<string> Events { get; } = new();

        public void OnNext(DiagnosticListener value)
        {
            if (Current.Value != this || value.Name != "Microsoft.Extensions.Hosting") return;
            lock (_listeners) _listeners.Add(value.Subscribe(this));
        }

        public void OnNext(KeyValuePair<string, object?> value)
        {
            if (Current.Value == this) Events.Enqueue(value.Key);
        }

        public void OnCompleted() { }

        public void OnError(Exception error) { }

        public void Dispose()
        {
            _allListeners.Dispose();
            lock (_listeners) _listeners.ForEach(listener => listener.Dispose());
            Current.Value = null;
        }
    }

    private static LambdaInvocation Invocation(string function, string payload) =>
        new(new LambdaTarget(function), Encoding.UTF8.GetBytes(payload), TimeSpan.FromSeconds(30));
}
