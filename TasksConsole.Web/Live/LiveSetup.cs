namespace TasksConsole.Web.Live;

public static class LiveSetup
{
    /// <summary>The change feed's two outlets: the SignalR hub (with its relay) and each console circuit's batched view.</summary>
    public static IHostApplicationBuilder AddLive(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSignalR();
        builder.Services.AddHostedService<TaskChangeRelay>();
        builder.Services.AddScoped<CircuitTaskChanges>();
        return builder;
    }
}
