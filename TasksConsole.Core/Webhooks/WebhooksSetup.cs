using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace TasksConsole.Core.Webhooks;

public static class WebhooksSetup
{
    /// <summary>
    /// Binds <see cref="WebhookOptions"/> and registers the outbox, the endpoint service and the sender. The host adds
    /// the <see cref="IWebhookSigner"/> and decides whether this node runs <see cref="WebhookSender"/>.
    /// </summary>
    public static IHostApplicationBuilder AddWebhooksCore(this IHostApplicationBuilder builder)
    {
        // The engine adds it (its outcome writer fills the outbox) and so may the host: once is enough.
        if (builder.Services.Any(s => s.ServiceType == typeof(WebhookOutbox))) return builder;
        builder.Services.AddOptions<WebhookOptions>()
            .Bind(builder.Configuration.GetSection(WebhookOptions.Section))
            .Validate(o => o.Timeout > TimeSpan.Zero && o.PollInterval > TimeSpan.Zero, "Webhooks:Timeout and PollInterval must be positive.")
            .Validate(o => o.BatchSize > 0 && o.DisableAfterFailures > 0, "Webhooks:BatchSize and DisableAfterFailures must be positive.")
            .Validate(o => o.RetryDelays.All(d => d >= TimeSpan.Zero),
                "Webhooks:RetryDelays must not hold a negative delay.")
            .Validate(o => o.Jitter is >= 0 and < 1, "Webhooks:Jitter must be at least 0 and below 1.")
            .ValidateOnStart();
        builder.Services.AddSingleton<WebhookWakeSignal>();
        builder.Services.AddSingleton<WebhookOutbox>();
        builder.Services.AddSingleton<WebhookAddressGuard>();
        builder.Services.AddSingleton<WebhookService>();
        builder.Services.AddSingleton<WebhookDeliveryClaims>();
        builder.Services.AddSingleton<WebhookHttpClient>();
        builder.Services.AddSingleton<WebhookSender>();
        return builder;
    }
}
