using System.Diagnostics;
using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TasksConsole.Core.Common;
using TasksConsole.Core.Data;
using TasksConsole.Core.Execution;

namespace TasksConsole.Core.Webhooks;

/// <summary>
/// Sends due deliveries from this node, one <see cref="BackgroundService"/> per node. It claims deliveries under a
/// lease (<see cref="WebhookDeliveryClaims"/>), signs and posts each, and records the attempt: delivered, or the next
/// attempt scheduled with backoff and jitter, or given up when the schedule is spent. An endpoint that fails
/// <see cref="WebhookOptions.DisableAfterFailures"/> attempts in a row is disabled with the reason. It wakes at once
/// when this node commits deliveries, and polls for those of other nodes and for retries falling due.
/// </summary>
public sealed class WebhookSender(
    IDbContextFactory<TasksDbContext> dbFactory,
    WebhookDeliveryClaims claims,
    WebhookWakeSignal wake,
    IWebhookSigner signer,
    WebhookHttpClient http,
    IOptions<WebhookOptions> webhookOptions,
    IOptions<ExecutionOptions> executionOptions,
    TimeProvider clock,
    ILogger<WebhookSender> logger) : BackgroundService
{
    private const int MaxErrorLength = 500;
    private readonly WebhookOptions _options = webhookOptions.Value;
    private int _inFlight;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var slots = Math.Max(1, _options.BatchSize);
        var sends = new HashSet<Task>();
        while (!stoppingToken.IsCancellationRequested)
        {
            var free = slots - Volatile.Read(ref _inFlight);
            var claimedAll = false;
            if (free > 0)
            {
                try
                {
                    // A fresh owner per claim: the rows this claim won are exactly those carrying it.
                    var owner = $"{executionOptions.Value.NodeId}:{Guid.NewGuid():N}";
                    var claimed = await claims.ClaimDueAsync(owner, clock.GetUtcNow(), _options.LeaseDuration, free, stoppingToken);
                    claimedAll = claimed.Count == free;
                    foreach (var (delivery, endpoint) in claimed)
                    {
                        Interlocked.Increment(ref _inFlight);
                        var send = SendAndRecordAsync(delivery, endpoint, owner);
                        lock (sends) sends.Add(send);
                        _ = send.ContinueWith(done =>
                        {
                            lock (sends) sends.Remove(done);
                            // A full claim may have left due deliveries behind: a freed slot looks again at once.
                            if (Interlocked.Decrement(ref _inFlight) == slots - 1) wake.Wake();
                        }, TaskScheduler.Default);
                    }
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    logger.LogWarning(ex, "Claiming webhook deliveries failed; trying again shortly");
                }
            }
            if (claimedAll) continue;
            try
            {
                await wake.WaitAsync(_options.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        Task[] running;
        lock (sends) running = [.. sends];
        // Sends under way finish and are recorded; an unrecorded one would only be sent again after its lease.
        await Task.WhenAll(running);
    }

    private async Task SendAndRecordAsync(WebhookDeliveryRecord delivery, WebhookEndpointRecord endpoint, string owner)
    {
        var attempt = await SendAsync(delivery, endpoint);
        try
        {
            await RecordAsync(delivery, endpoint, owner, attempt);
        }
        catch (Exception ex)
        {
            // Its lease runs out and the delivery is sent again: at least once.
            logger.LogError(ex, "Recording webhook delivery {DeliveryId} failed", delivery.Id);
        }
    }

    private async Task<AttemptResult> SendAsync(WebhookDeliveryRecord delivery, WebhookEndpointRecord endpoint)
    {
        var started = Stopwatch.GetTimestamp();
        var timestamp = clock.GetUtcNow();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url);
            request.Content = new StringContent(delivery.PayloadJson, System.Text.Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Add("webhook-id", delivery.Id);
            request.Headers.Add("webhook-timestamp", timestamp.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.Add("webhook-signature", signer.Sign(endpoint.Secret, delivery.Id, timestamp, delivery.PayloadJson));
            using var response = await http.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            var status = (int)response.StatusCode;
            var elapsed = Stopwatch.GetElapsedTime(started);
            return status is >= 200 and < 300
                ? new AttemptResult(true, status, elapsed, null)
                : new AttemptResult(false, status, elapsed, $"The receiver answered HTTP {status}{RedirectNote(status)}.");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            var message = ex switch
            {
                TaskCanceledException => $"No answer within {_options.Timeout.TotalSeconds:0.#} s.",
                _ when Innermost(ex) is WebhookAddressRefusedException refused => refused.Message,
                _ => Innermost(ex).Message,
            };
            return new AttemptResult(false, null, elapsed, message);
        }
    }

    private static string RedirectNote(int status) => status is >= 300 and < 400 ? " (redirects are not followed)" : "";

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is { } inner) ex = inner;
        return ex;
    }

    private async Task RecordAsync(WebhookDeliveryRecord delivery, WebhookEndpointRecord endpoint, string owner, AttemptResult attempt)
    {
        var now = clock.GetStoredNow();
        var attempts = delivery.Attempts + 1;
        var latency = (int)Math.Min(int.MaxValue, attempt.Elapsed.TotalMilliseconds);
        var error = attempt.Error is { Length: > MaxErrorLength } full ? full[..MaxErrorLength] : attempt.Error;
        var gaveUp = !attempt.Succeeded && attempts > _options.Schedule.Count;
        var state = attempt.Succeeded ? WebhookDeliveryState.Succeeded : gaveUp ? WebhookDeliveryState.Failed : WebhookDeliveryState.Pending;
        var next = attempt.Succeeded || gaveUp ? delivery.NextAttemptTimestamp : now + RetryDelay(attempts);

        await using var db = await dbFactory.CreateDbContextAsync();
        await WriteGate.RunAsync(db, async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            var updated = await db.WebhookDeliveries
                .Where(d => d.Id == delivery.Id && d.LeaseOwner == owner)
                .ExecuteUpdateAsync(set => set
                    .SetProperty(d => d.State, state)
                    .SetProperty(d => d.Attempts, attempts)
                    .SetProperty(d => d.NextAttemptTimestamp, next)
                    .SetProperty(d => d.LeaseOwner, (string?)null)
                    .SetProperty(d => d.LeaseExpiresTimestamp, (DateTimeOffset?)null)
                    .SetProperty(d => d.LastAttemptTimestamp, now)
                    .SetProperty(d => d.LastResponseStatus, attempt.Status)
                    .SetProperty(d => d.LastLatencyMilliseconds, latency)
                    .SetProperty(d => d.LastError, error)
                    .SetProperty(d => d.DeliveredTimestamp, attempt.Succeeded ? now : null));
            if (updated == 0)
            {
                // The lease ran out and another sender holds the delivery now (or it was deleted): its record wins.
                await transaction.RollbackAsync();
                return;
            }
            if (attempt.Succeeded)
            {
                await db.WebhookEndpoints.Where(e => e.Id == endpoint.Id && e.ConsecutiveFailures != 0)
                    .ExecuteUpdateAsync(set => set.SetProperty(e => e.ConsecutiveFailures, 0));
            }
            else
            {
                await db.WebhookEndpoints.Where(e => e.Id == endpoint.Id)
                    .ExecuteUpdateAsync(set => set.SetProperty(e => e.ConsecutiveFailures, e => e.ConsecutiveFailures + 1));
                var limit = _options.DisableAfterFailures;
                var reason = $"Disabled after {limit} failed attempts in a row; the last: {error}";
                if (await db.WebhookEndpoints.Where(e => e.Id == endpoint.Id && !e.Disabled && e.ConsecutiveFailures >= limit)
                        .ExecuteUpdateAsync(set => set
                            .SetProperty(e => e.Disabled, true)
                            .SetProperty(e => e.DisabledReason, reason)
                            .SetProperty(e => e.DisabledTimestamp, now)
                            .SetProperty(e => e.UpdateTimestamp, now)) > 0)
                {
                    logger.LogWarning("Webhook endpoint {EndpointId} ({Url}) disabled: {Reason}", endpoint.Id, endpoint.Url, reason);
                }
            }
            await transaction.CommitAsync();
        });
        if (gaveUp)
        {
            logger.LogWarning("Webhook delivery {DeliveryId} to {Url} failed {Attempts} times and was given up: {Error}",
                delivery.Id, endpoint.Url, attempts, error);
        }
    }

    /// <summary>The wait after failed attempt <paramref name="attempts"/>, varied by +/- the jitter fraction.</summary>
    internal TimeSpan RetryDelay(int attempts)
    {
        var delay = _options.RetryDelays[Math.Clamp(attempts - 1, 0, _options.Schedule.Count - 1)];
        var factor = 1 + _options.Jitter * (Random.Shared.NextDouble() * 2 - 1);
        return TimeSpan.FromMilliseconds(Math.Max(0, delay.TotalMilliseconds * factor));
    }

    private sealed record AttemptResult(bool Succeeded, int? Status, TimeSpan Elapsed, string? Error);
}
