using Microsoft.Extensions.Options;
using SaasExporter.Collectors;
using SaasExporter.Configuration;

namespace SaasExporter.Polling;

/// <summary>
/// Polls every enabled collector in its own loop: a slow or failing collector never delays another, and a collector
/// never overlaps itself. A successful poll is followed by the next one an interval after it started; a failed poll
/// is retried sooner (after <see cref="RetryAfterFailure"/>, or the interval if shorter) so that a fifteen-minute
/// collector does not stay down fifteen minutes after the database comes back. The shared circuit breaker keeps those
/// retries from hammering a database that is still down.
/// </summary>
public sealed class CollectorScheduler(
    IEnumerable<IMetricCollector> collectors,
    PollExecutor executor,
    IOptions<ExporterOptions> options,
    TimeProvider time) : BackgroundService
{
    public static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(30);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(collectors
            .Where(c => options.Value.For(c.Name).Enabled)
            .Select(c => RunAsync(c, options.Value.For(c.Name).Interval, stoppingToken)));

    internal async Task RunAsync(IMetricCollector collector, TimeSpan interval, CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            while (true)
            {
                var started = time.GetTimestamp();
                var outcome = await executor.PollAsync(collector, stoppingToken);
                if (outcome == PollOutcome.Disabled)
                {
                    return;
                }

                var wait = outcome == PollOutcome.Succeeded
                    ? interval - time.GetElapsedTime(started)
                    : TimeSpan.FromTicks(Math.Min(interval.Ticks, RetryAfterFailure.Ticks));
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }
}
