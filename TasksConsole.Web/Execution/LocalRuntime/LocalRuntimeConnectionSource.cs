using Amazon;
using TasksConsole.Core.Execution.Lambda;

namespace TasksConsole.Web.Execution.LocalRuntime;

/// <summary>Points the production invoker at the built-in runtime, once it listens, with the runtime's own key pair.</summary>
public sealed class LocalRuntimeConnectionSource(LocalLambdaRuntime runtime) : ILambdaConnectionSource
{
    public async ValueTask<LambdaConnection> GetAsync(CancellationToken cancellationToken)
    {
        var endpoint = await runtime.WaitUntilStartedAsync(cancellationToken);
        return new LambdaConnection(endpoint, RegionEndpoint.GetBySystemName(LocalLambdaRuntime.Region), runtime.Credentials);
    }
}
