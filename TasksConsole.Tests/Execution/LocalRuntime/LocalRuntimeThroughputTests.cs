using System.Diagnostics;
using TasksConsole.Core.Execution.Lambda;
using Xunit.Abstractions;

namespace TasksConsole.Tests.Execution.LocalRuntime;

/// <summary>Timing tests run alone, after the parallel ones, so the rest of the suite does not skew them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingSensitiveCollection
{
    public const string Name = "Timing-sensitive";
}

[Collection(TimingSensitiveCollection.Name)]
public sealed class LocalRuntimeThroughputTests(LocalRuntimeFixture fixture, ITestOutputHelper output) : IClassFixture<LocalRuntimeFixture>
{
    [Fact]
    public async Task Noop_SustainsManyInvocationsPerSecond_OverRealSignedHttp()
    {
        var invocation = new LambdaInvocation(new LambdaTarget("noop"), "{}"u8.ToArray(), TimeSpan.FromSeconds(30));
        // Warm up first: the measurement is about steady state, not the JIT.
        for (var i = 0; i < 300; i++) await fixture.Invoker.InvokeAsync(invocation);

        const int total = 4000;
        const int concurrency = 32;
        var next = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) <= total)
            {
                var result = await fixture.Invoker.InvokeAsync(invocation);
                Assert.False(result.IsFunctionError);
            }
        }));
        var rate = total / clock.Elapsed.TotalSeconds;
        output.WriteLine($"{total} no-op invocations in {clock.Elapsed.TotalMilliseconds:0} ms: {rate:0} per second (client and runtime in one process)");

        // The runtime alone must do well over 1,000/s on 2 cores; here the signing client shares the CPU with it (and
        // with other tests), so the floor is set low enough not to flake while still catching a per-request slowdown.
        Assert.True(rate > 500, $"only {rate:0} invocations per second");
    }
}
