using Microsoft.Extensions.Options;
using SaasExporter.Collectors;
using SaasExporter.Configuration;

namespace SaasExporter.Polling;

/// <summary>
/// Polls every enabled collector on its own PeriodicTimer: a slow or failing collector never delays another, and a
/// collector never overlaps itself (a tick missed while polling is skipped, not queued).
/// </summary>
public sealed class CollectorScheduler(
    IEnumerable<IMetricCollector> collectors,
    PollExecutor executor,
    IOptions<ExporterOptions> options,
    TimeProvider time) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(collectors
            .Where(c => options.Value.For(c.Name).Enabled)
            .Select(c => RunAsync(c, options.Value.For(c.Name).Interval, stoppingToken)));

    internal async Task RunAsync(IMetricCollector collector, TimeSpan interval, CancellationToken stoppingToken)
    {
        await Task.Yield();
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            do
            {
                if (await executor.PollAsync(collector, stoppingToken) == PollOutcome.Disabled)
                {
                    return;
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }
}
