using TasksConsole.Core.Webhooks;

namespace TasksConsole.Web.Webhooks;

public static class WebhooksSetup
{
    /// <summary>Outbound webhooks: the signer, and this node's sender unless <c>Webhooks:SenderEnabled</c> is off.</summary>
    public static IHostApplicationBuilder AddWebhooks(this IHostApplicationBuilder builder)
    {
        builder.AddWebhooksCore();
        builder.Services.AddSingleton<IWebhookSigner, StandardWebhookSigner>();
        var options = builder.Configuration.GetSection(WebhookOptions.Section).Get<WebhookOptions>() ?? new WebhookOptions();
        if (options.SenderEnabled) builder.Services.AddHostedService(provider => provider.GetRequiredService<WebhookSender>());
        return builder;
    }
}
