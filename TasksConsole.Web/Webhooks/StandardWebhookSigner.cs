using StandardWebhooks;
using TasksConsole.Core.Webhooks;

namespace TasksConsole.Web.Webhooks;

/// <summary>Signs deliveries with the Standard Webhooks reference implementation (HMAC-SHA256, <c>v1,&lt;base64&gt;</c>).</summary>
public sealed class StandardWebhookSigner : IWebhookSigner
{
    public string Sign(string secret, string messageId, DateTimeOffset timestamp, string body)
    {
        // The key is the base64 after the whsec_ prefix, as every Standard Webhooks library reads it.
        var key = Convert.FromBase64String(secret.StartsWith(WebhookService.SecretPrefix, StringComparison.Ordinal)
            ? secret[WebhookService.SecretPrefix.Length..]
            : secret);
        return new StandardWebhook(key).Sign(messageId, timestamp, body);
    }
}
