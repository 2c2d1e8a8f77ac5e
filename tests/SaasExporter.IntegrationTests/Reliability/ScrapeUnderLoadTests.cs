using System.Collections.Concurrent;
using System.Globalization;
using SaasExporter.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace SaasExporter.IntegrationTests.Reliability;

/// <summary>
/// /metrics under a bounded wrk load while polls run every second: no error response, and no torn read. The probe
/// collector's one query returns a single random number in 400 series of two metrics; a scrape that showed two
/// different numbers would have mixed two polls of one collector.
/// </summary>
public sealed class ScrapeUnderLoadTests(ITestOutputHelper output)
{
    internal const string Probe = """
        collectors:
          - name: probe
            interval: 1s
            timeout: 1s
            sql: SELECT g::text AS k, x.v AS a, x.v AS b FROM (SELECT random() AS v) x CROSS JOIN generate_series(1, 200) AS g
            metrics:
              - name: probe_a
                help: The poll's random number, in 200 series.
                value: a
                labels: [k]
              - name: probe_b
                help: The same number again, in 200 more series.
                value: b
                labels: [k]
        """;

    private static readonly TimeSpan Load = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task ConcurrentScrapesWhilePolling_NeverFailAndNeverMixTwoPolls()
    {
        await using var rig = await FaultRig.StartAsync("load", Probe);
        await rig.Exporter.WaitReadyAsync();

        using var stop = new CancellationTokenSource();
        var seen = new ConcurrentDictionary<double, byte>();
        var torn = new ConcurrentQueue<string>();
        var errors = new ConcurrentQueue<string>();
        var checks = 0;
        var checkers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var m = await rig.Exporter.ScrapeAsync();
                    var values = m.Family("probe_a").Values.Concat(m.Family("probe_b").Values).ToList();
                    var distinct = values.Distinct().ToList();
                    if (values.Count != 400 || distinct.Count != 1)
                    {
                        torn.Enqueue($"{values.Count} probe series with {distinct.Count} distinct values: {string.Join(", ", distinct.Take(3).Select(v => v.ToString(CultureInfo.InvariantCulture)))}");
                    }
                    else
                    {
                        seen.TryAdd(distinct[0], 0);
                    }
                }
                catch (HttpRequestException e)
                {
                    errors.Enqueue(e.Message);
                }

                Interlocked.Increment(ref checks);
            }
        })).ToList();

        var wrk = await Wrk.RunAsync(new Uri(rig.Exporter.Client.BaseAddress!, "/metrics"), threads: 2, connections: 16, Load);
        await stop.CancelAsync();
        await Task.WhenAll(checkers);

        output.WriteLine(wrk.Output);
        Assert.Empty(torn);
        Assert.Empty(errors);
        Assert.Equal(0, wrk.Non2xx);
        Assert.Equal("", wrk.SocketErrors);
        Assert.True(wrk.Requests > 100, $"wrk made only {wrk.Requests} requests");
        Assert.True(seen.Count >= 5, $"only {seen.Count} polls seen during the load: the scrapes did not overlap the polls");
        FaultTable.Row(output, $"load: wrk -t2 -c16 -d{Load.TotalSeconds:0}s on /metrics + 4 checking scrapers, probe polled every 1 s",
            $"{wrk.Requests} wrk requests ({wrk.RequestsPerSecond:0}/s, {wrk.Latency}), 0 non-2xx, 0 socket errors; {checks} checked scrapes over {seen.Count} polls, 0 torn",
            null, null, "none", torn.Count);
    }
}
