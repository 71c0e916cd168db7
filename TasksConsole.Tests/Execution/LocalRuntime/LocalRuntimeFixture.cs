using Amazon;
using Amazon.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TasksConsole.Core.Execution.Lambda;
using TasksConsole.Core.Execution.LocalRuntime;
using TasksConsole.Tests.Infrastructure;
using TasksConsole.Web.Execution.LocalRuntime;

namespace TasksConsole.Tests.Execution.LocalRuntime;

/// <summary>
/// One real local runtime for a test class, on its loopback port, with the production invoker pointed at it through
/// <see cref="LocalRuntimeConnectionSource"/>. The <c>timeout</c> function's limit is cut so the test does not wait 3 s.
/// </summary>
public sealed class LocalRuntimeFixture : IAsyncLifetime
{
    public static readonly TimeSpan TimeoutFunctionLimit = TimeSpan.FromMilliseconds(300);

    public LocalRuntimeFixture()
    {
        var functions = LocalDemoFunctions.All.Select(f => f.Name == LocalDemoFunctions.Timeout ? f with { TimeLimit = TimeoutFunctionLimit } : f);
        Logs = new LogCapture();
        var loggerFactory = LoggerFactory.Create(logging => logging.SetMinimumLevel(LogLevel.Information).AddProvider(Logs));
        Runtime = new LocalLambdaRuntime(new LocalRuntimeOptions(), functions, loggerFactory, TimeProvider.System);
        Invoker = new LambdaInvoker(new LocalRuntimeConnectionSource(Runtime), Options.Create(new LambdaOptions()), NullLogger<LambdaInvoker>.Instance);
    }

    public LocalLambdaRuntime Runtime { get; }

    public LambdaInvoker Invoker { get; }

    public LogCapture Logs { get; }

    /// <summary>An invoker that reaches the same runtime with other credentials, to see what it refuses.</summary>
    public LambdaInvoker InvokerWith(AWSCredentials credentials) =>
        new(new FixedConnection(new LambdaConnection(Runtime.Endpoint!, RegionEndpoint.USEast1, credentials)), Options.Create(new LambdaOptions()),
            NullLogger<LambdaInvoker>.Instance);

    public Task InitializeAsync() => Runtime.StartAsync(CancellationToken.None);

    public async Task DisposeAsync()
    {
        Invoker.Dispose();
        await Runtime.DisposeAsync();
    }

    private sealed class FixedConnection(LambdaConnection connection) : ILambdaConnectionSource
    {
        public ValueTask<LambdaConnection> GetAsync(CancellationToken cancellationToken) => ValueTask.FromResult(connection);
    }
}
