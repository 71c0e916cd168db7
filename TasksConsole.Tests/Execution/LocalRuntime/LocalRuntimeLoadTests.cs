using TasksConsole.Core.Execution.Lambda;

namespace TasksConsole.Tests.Execution.LocalRuntime;

/// <summary>Under many concurrent signed calls every one is answered correctly; how fast is the benchmark's business.</summary>
public sealed class LocalRuntimeLoadTests(LocalRuntimeFixture fixture) : IClassFixture<LocalRuntimeFixture>
{
    [Fact]
    public async Task ManyConcurrentNoopCalls_AllSucceed()
    {
        var invocation = new LambdaInvocation(new LambdaTarget("noop"), "{}"u8.ToArray(), TimeSpan.FromSeconds(30));
        const int total = 2000;
        const int concurrency = 32;
        var next = 0;
        var failures = 0;

        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) <= total)
            {
                var result = await fixture.Invoker.InvokeAsync(invocation);
                if (result.StatusCode != 200 || result.IsFunctionError) Interlocked.Increment(ref failures);
            }
        }));

        Assert.Equal(0, failures);
    }
}
