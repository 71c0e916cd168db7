using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using TasksConsole.Core.Audit;

namespace TasksConsole.Core.Common;

public static class CommonSetup
{
    /// <summary>
    /// What every feature needs: the clock, the seam tests replace with a fake one, and the audit trail every
    /// feature records its actions in. Each feature's Setup calls this, so a feature registered alone (a test, the
    /// bench) has it too; TryAdd keeps what was registered earlier.
    /// </summary>
    public static IHostApplicationBuilder AddCommonCore(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<AuditWriter>();
        builder.Services.TryAddSingleton<AuditTrail>();
        return builder;
    }
}
