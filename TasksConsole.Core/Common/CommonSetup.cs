using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace TasksConsole.Core.Common;

public static class CommonSetup
{
    /// <summary>
    /// What every feature needs: the clock, the seam tests replace with a fake one. Each feature's Setup calls this,
    /// so a feature registered alone (a test, the bench) has it too; TryAdd keeps a clock registered earlier.
    /// </summary>
    public static IHostApplicationBuilder AddCommonCore(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        return builder;
    }
}
