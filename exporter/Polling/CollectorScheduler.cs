using Microsoft.Extensions.Options;
using SaasExporter.Collectors;
using SaasExporter.Configuration;

namespace SaasExporter.Polling;

/// <summary>
/// Polls every enabled collector in its own loop: a slow or failing collector never delays another, and a collector
/// never overlaps itself. A successful poll is followed by the next one an interval after it started; a failed poll
/// is retried sooner (after <see cref="RetryAfterFailure"/>, the circuit's 15 s pause when the database could not be
/// reached, or the interval if shorter) so that a fifteen-minute collector does not stay down fifteen minutes after the
/// database comes back. The shared circuit breaker keeps those retries from hammering a database that is still down.
/// Each interval is one scheduled poll (saas_exporter_collector_scheduled_polls_total): it succeeds when a poll within
/// it succeeds and fails when the interval ends without one, however many retries it took; the poll-success SLO counts
/// these, so a failing collector weighs by its own schedule, not by how often it is retried.
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
            long? scheduledAt = null;
            while (true)
            {
                var started = time.GetTimestamp();
                scheduledAt ??= started;
                var outcome = await executor.PollAsync(collector, stoppingToken);
                if (outcome == PollOutcome.Disabled)
                {
                    return;
                }

                var wait = outcome == PollOutcome.Succeeded
                    ? interval - time.GetElapsedTime(started)
                    : TimeSpan.FromTicks(Math.Min(interval.Ticks, executor.RetryAfterFailure(collector).Ticks));
                if (outcome == PollOutcome.Succeeded)
                {
                    executor.CountScheduledPoll(collector, succeeded: true);
                    scheduledAt = null;
                }
                else if (time.GetElapsedTime(scheduledAt.Value) + wait >= interval)
                {
                    // The next attempt falls in the next interval: this one ended without a success.
                    executor.CountScheduledPoll(collector, succeeded: false);
                    scheduledAt = null;
                }
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
