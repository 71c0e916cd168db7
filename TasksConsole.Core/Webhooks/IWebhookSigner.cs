namespace TasksConsole.Core.Webhooks;

/// <summary>
/// Signs a delivery the Standard Webhooks way: the value of the <c>webhook-signature</c> header (<c>v1,&lt;base64&gt;</c>)
/// for the message id, timestamp and body. An interface because the implementation's package needs ASP.NET, which
/// Core does not reference.
/// </summary>
public interface IWebhookSigner
{
    string Sign(string secret, string messageId, DateTimeOffset timestamp, string body);
}
