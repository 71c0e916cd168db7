using System.Diagnostics;
using System.Net.Http.Headers;
using System.Threading.Channels;
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
/// Attempts are recorded in batches, one transaction for all those waiting: a transaction per attempt held SQLite's
/// single writer once per delivery, and under a burst of failures the claims queued behind those writes.
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
    private const int MaxRecordBatch = 256;
    private readonly WebhookOptions _options = webhookOptions.Value;
    private readonly Channel<SentAttempt> _sent = Channel.CreateUnbounded<SentAttempt>(new UnboundedChannelOptions { SingleReader = true });
    private int _inFlight;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var slots = Math.Max(1, _options.BatchSize);
        // Claiming again once half the slots are free, not at every freed slot: one claim per delivery would cost a
        // write transaction per delivery, which is what batching the records saves.
        var refill = Math.Max(1, slots / 2);
        var sends = new HashSet<Task>();
        var recording = RecordSentAsync();
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
                        var send = SendAsync(delivery, endpoint, owner);
                        lock (sends) sends.Add(send);
                        _ = send.ContinueWith(done =>
                        {
                            lock (sends) sends.Remove(done);
                            // A full claim may have left due deliveries behind: freed slots look again at once.
                            if (Interlocked.Decrement(ref _inFlight) == slots - refill) wake.Wake();
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
        _sent.Writer.TryComplete();
        await recording;
    }

    private async Task SendAsync(WebhookDeliveryRecord delivery, WebhookEndpointRecord endpoint, string owner)
    {
        var attempt = await AttemptAsync(delivery, endpoint);
        _sent.Writer.TryWrite(new SentAttempt(delivery, endpoint, owner, attempt));
    }

    /// <summary>Records every attempt waiting, in one transaction, until the sender stops and the queue is drained.</summary>
    private async Task RecordSentAsync()
    {
        var batch = new List<SentAttempt>(MaxRecordBatch);
        while (await _sent.Reader.WaitToReadAsync(CancellationToken.None))
        {
            while (batch.Count < MaxRecordBatch && _sent.Reader.TryRead(out var sent)) batch.Add(sent);
            try
            {
                await RecordAsync(batch);
            }
            catch (Exception ex)
            {
                // Their leases run out and the deliveries are sent again: at least once.
                logger.LogError(ex, "Recording {Count} webhook delivery attempts failed", batch.Count);
            }
            batch.Clear();
        }
    }

    private async Task<AttemptResult> AttemptAsync(WebhookDeliveryRecord delivery, WebhookEndpointRecord endpoint)
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

    private async Task RecordAsync(IReadOnlyList<SentAttempt> batch)
    {
        var now = clock.GetStoredNow();
        var outcomes = batch.Select(sent => Outcome(sent, now)).ToList();
        var recorded = new List<DeliveryOutcome>(outcomes.Count);

        await using var db = await dbFactory.CreateDbContextAsync();
        await WriteGate.RunAsync(db, async () =>
        {
            recorded.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync();
            foreach (var outcome in outcomes)
            {
                // Nothing updated: the lease ran out and another sender holds the delivery now (or it was deleted),
                // and its record wins.
                if (await UpdateDeliveryAsync(db, outcome, now) > 0) recorded.Add(outcome);
            }
            foreach (var attempts in recorded.GroupBy(o => o.Sent.Endpoint.Id)) await UpdateEndpointAsync(db, [.. attempts], now);
            await transaction.CommitAsync();
        });
        foreach (var outcome in recorded.Where(o => o.State == WebhookDeliveryState.Failed))
        {
            logger.LogWarning("Webhook delivery {DeliveryId} to {Url} failed {Attempts} times and was given up: {Error}",
                outcome.Sent.Delivery.Id, outcome.Sent.Endpoint.Url, outcome.Attempts, outcome.Error);
        }
    }

    private DeliveryOutcome Outcome(SentAttempt sent, DateTimeOffset now)
    {
        var attempt = sent.Attempt;
        var attempts = sent.Delivery.Attempts + 1;
        var error = attempt.Error is { Length: > MaxErrorLength } full ? full[..MaxErrorLength] : attempt.Error;
        var gaveUp = !attempt.Succeeded && attempts > _options.Schedule.Count;
        var state = attempt.Succeeded ? WebhookDeliveryState.Succeeded : gaveUp ? WebhookDeliveryState.Failed : WebhookDeliveryState.Pending;
        var next = attempt.Succeeded || gaveUp ? sent.Delivery.NextAttemptTimestamp : now + RetryDelay(attempts);
        return new DeliveryOutcome(sent, state, attempts, next, error);
    }

    private static Task<int> UpdateDeliveryAsync(TasksDbContext db, DeliveryOutcome outcome, DateTimeOffset now)
    {
        var (sent, state, attempts, next, error) = outcome;
        var latency = (int)Math.Min(int.MaxValue, sent.Attempt.Elapsed.TotalMilliseconds);
        return db.WebhookDeliveries
            .Where(d => d.Id == sent.Delivery.Id && d.LeaseOwner == sent.Owner)
            .ExecuteUpdateAsync(set => set
                .SetProperty(d => d.State, state)
                .SetProperty(d => d.Attempts, attempts)
                .SetProperty(d => d.NextAttemptTimestamp, next)
                .SetProperty(d => d.LeaseOwner, (string?)null)
                .SetProperty(d => d.LeaseExpiresTimestamp, (DateTimeOffset?)null)
                .SetProperty(d => d.LastAttemptTimestamp, now)
                .SetProperty(d => d.LastResponseStatus, sent.Attempt.Status)
                .SetProperty(d => d.LastLatencyMilliseconds, latency)
                .SetProperty(d => d.LastError, error)
                .SetProperty(d => d.DeliveredTimestamp, sent.Attempt.Succeeded ? now : null));
    }

    /// <summary>
    /// Carries an endpoint's run of failures through one batch's attempts, in the order they were sent: a success
    /// ends the run, each failure after it adds one; the endpoint is disabled when the run reaches the limit.
    /// </summary>
    private async Task UpdateEndpointAsync(TasksDbContext db, IReadOnlyList<DeliveryOutcome> attempts, DateTimeOffset now)
    {
        var endpointId = attempts[0].Sent.Endpoint.Id;
        var (succeededOnce, failuresSince) = FailureRun(attempts.Select(o => o.Sent.Attempt.Succeeded));
        if (succeededOnce)
        {
            await db.WebhookEndpoints.Where(e => e.Id == endpointId && e.ConsecutiveFailures != failuresSince)
                .ExecuteUpdateAsync(set => set.SetProperty(e => e.ConsecutiveFailures, failuresSince));
        }
        else
        {
            await db.WebhookEndpoints.Where(e => e.Id == endpointId)
                .ExecuteUpdateAsync(set => set.SetProperty(e => e.ConsecutiveFailures, e => e.ConsecutiveFailures + failuresSince));
        }
        if (failuresSince == 0) return;

        var limit = _options.DisableAfterFailures;
        var reason = $"Disabled after {limit} failed attempts in a row; the last: {attempts[^1].Error}";
        if (await db.WebhookEndpoints.Where(e => e.Id == endpointId && !e.Disabled && e.ConsecutiveFailures >= limit)
                .ExecuteUpdateAsync(set => set
                    .SetProperty(e => e.Disabled, true)
                    .SetProperty(e => e.DisabledReason, reason)
                    .SetProperty(e => e.DisabledTimestamp, now)
                    .SetProperty(e => e.UpdateTimestamp, now)) > 0)
        {
            logger.LogWarning("Webhook endpoint {EndpointId} ({Url}) disabled: {Reason}", endpointId, attempts[0].Sent.Endpoint.Url, reason);
        }
    }

    /// <summary>
    /// Whether any of <paramref name="succeeded"/> (attempts in the order sent) succeeded, and how many failed after
    /// the last success (all of them when none did).
    /// </summary>
    internal static (bool SucceededOnce, int FailuresSince) FailureRun(IEnumerable<bool> succeeded)
    {
        var succeededOnce = false;
        var failuresSince = 0;
        foreach (var success in succeeded)
        {
            if (success)
            {
                succeededOnce = true;
                failuresSince = 0;
            }
            else
            {
                failuresSince++;
            }
        }
        return (succeededOnce, failuresSince);
    }

    /// <summary>The wait after failed attempt <paramref name="attempts"/>, varied by +/- the jitter fraction.</summary>
    internal TimeSpan RetryDelay(int attempts)
    {
        var delay = _options.RetryDelays[Math.Clamp(attempts - 1, 0, _options.Schedule.Count - 1)];
        var factor = 1 + _options.Jitter * (Random.Shared.NextDouble() * 2 - 1);
        return TimeSpan.FromMilliseconds(Math.Max(0, delay.TotalMilliseconds * factor));
    }

    private sealed record AttemptResult(bool Succeeded, int? Status, TimeSpan Elapsed, string? Error);

    private sealed record SentAttempt(WebhookDeliveryRecord Delivery, WebhookEndpointRecord Endpoint, string Owner, AttemptResult Attempt);

    private sealed record DeliveryOutcome(SentAttempt Sent, WebhookDeliveryState State, int Attempts, DateTimeOffset Next, string? Error);
}
