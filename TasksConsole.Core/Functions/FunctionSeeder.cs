using Microsoft.Extensions.Logging;
using TasksConsole.Core.Common;

namespace TasksConsole.Core.Functions;

/// <summary>A function the built-in local runtime serves, to be registered on a first start.</summary>
public sealed record DemoFunctionSpec(
    string Name,
    string Description,
    int TimeLimitSeconds,
    bool RetryEnabled,
    IReadOnlyList<string>? ErrorsToRetry,
    string? PermissionMode = null);

/// <summary>
/// Registers the demo functions on a first start, so that a fresh install has something to run. It only acts
/// on an empty registry: once an operator has registered (or deleted) functions, their choice stands.
/// </summary>
public sealed class FunctionSeeder(FunctionService functions, ILogger<FunctionSeeder> logger)
{
    /// <summary>Registers <paramref name="demos"/> when no function exists yet; returns how many it registered.</summary>
    public async Task<int> EnsureDemoFunctionsAsync(IEnumerable<DemoFunctionSpec> demos, CancellationToken cancellationToken = default)
    {
        if (!await functions.IsEmptyAsync(cancellationToken)) return 0;

        var registered = 0;
        foreach (var demo in demos)
        {
            var definition = new FunctionDefinition
            {
                Name = demo.Name,
                Description = demo.Description,
                TimeLimitSeconds = demo.TimeLimitSeconds,
                RetryEnabled = demo.RetryEnabled,
                ErrorsToRetry = demo.ErrorsToRetry ?? [],
                PermissionMode = demo.PermissionMode ?? FunctionPermissionModes.PermissionRequired,
            };
            try
            {
                await functions.CreateAsync(definition, cancellationToken);
                registered++;
            }
            catch (ServiceException ex) when (ex.Error == ErrorCode.ResourceAlreadyExists)
            {
                // Another node sharing the store seeded it at the same moment.
            }
        }
        if (registered > 0)
        {
            logger.LogInformation("Registered {Count} demo functions served by the built-in runtime", registered);
        }
        return registered;
    }
}
