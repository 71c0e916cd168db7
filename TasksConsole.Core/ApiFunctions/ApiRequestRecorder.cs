using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace TasksConsole.Core.ApiFunctions;

/// <summary>
/// Writes answered API requests in batches, off the request path: the caller has its answer before the request is
/// stored, and at a few hundred calls a second one transaction per batch costs a fraction of one per call. On
/// shutdown the queue is drained before the host stops, so requests answered before that are not lost.
/// </summary>
public sealed class ApiRequestRecorder(ApiRequestService requests, ILogger<ApiRequestRecorder> logger) : BackgroundService
{
    private const int MaxBatch = 256;

    private readonly Channel<ApiFunctionAnswer> _queue = Channel.CreateUnbounded<ApiFunctionAnswer>(
        new UnboundedChannelOptions { SingleReader = true });

    public void Enqueue(ApiFunctionAnswer answer)
    {
        if (!_queue.Writer.TryWrite(answer))
        {
            logger.LogWarning("API request {Id} to {Function} was answered after the recorder stopped; it is not recorded",
                answer.Record.Id, answer.Record.FunctionName);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<ApiFunctionAnswer>(MaxBatch);
        // Stopping completes the queue instead of cancelling the loop, so whatever was queued is still written.
        await using var stopping = stoppingToken.Register(() => _queue.Writer.TryComplete());
        while (await _queue.Reader.WaitToReadAsync(CancellationToken.None))
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var answer)) batch.Add(answer);
            try
            {
                await requests.RecordAsync(batch, CancellationToken.None);
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "{Count} API requests could not be recorded", batch.Count);
            }
            batch.Clear();
        }
    }
}
