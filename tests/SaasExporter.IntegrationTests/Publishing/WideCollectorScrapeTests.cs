using System.Diagnostics;
using SaasExporter.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace SaasExporter.IntegrationTests.Publishing;

/// <summary>
/// Issue 23 item 2 end to end: a custom collector at the allowed maximum of 100k series, half of whose label sets change
/// at every poll (tests/benchmarks/custom-100k.yml), polled every 10 s while /metrics is scraped back to back. Every
/// publish used to take 23-27 s and hold every scrape past Prometheus' 10 s timeout.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class WideCollectorScrapeTests(PostgresFixture postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task HundredThousandSeriesCollector_PollsRepeatedly_ScrapesStayWithinPrometheusTimeout()
    {
        var db = await HandBuiltDatabase.CreateAsync(postgres, "wide");
        var file = Path.Combine(Path.GetTempPath(), $"saas-wide-{Guid.NewGuid():N}.yml");
        File.WriteAllText(file, File.ReadAllText(Repository.PathOf("tests", "benchmarks", "custom-100k.yml"))
            .Replace("interval: 15s", "interval: 10s", StringComparison.Ordinal).Replace("timeout: 60s", "timeout: 10s", StringComparison.Ordinal));
        try
        {
            await using var exporter = await ExporterUnderTest.StartAsync(db.ConnectionString, new Dictionary<string, string?>
            {
                ["CustomCollectorsFile"] = file,
            });
            await exporter.ScrapeUntilAsync(m => m.Get("saas_exporter_collector_runs_total", ("collector", "bench_wide"), ("result", "success")) >= 1,
                TimeSpan.FromSeconds(120));

            var latencies = new List<double>();
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < TimeSpan.FromSeconds(40))
            {
                var scrape = Stopwatch.StartNew();
                using var response = await exporter.Client.GetAsync(new Uri("/metrics", UriKind.Relative));
                await response.Content.ReadAsByteArrayAsync();
                latencies.Add(scrape.Elapsed.TotalMilliseconds);
                Assert.True(response.IsSuccessStatusCode);
            }

            var metrics = await exporter.ScrapeAsync();
            var polls = metrics.Value("saas_exporter_collector_runs_total", ("collector", "bench_wide"), ("result", "success"));
            var pollSeconds = metrics.Value("saas_exporter_collector_duration_seconds_sum", ("collector", "bench_wide"))
                / metrics.Value("saas_exporter_collector_duration_seconds_count", ("collector", "bench_wide"));
            latencies.Sort();
            var p50 = latencies[latencies.Count / 2];
            var p99 = latencies[(int)Math.Ceiling(latencies.Count * 0.99) - 1];
            output.WriteLine($"100k-series collector: {polls} polls (mean {pollSeconds:F2} s each); {latencies.Count} scrapes in 40 s, p50 {p50:F0} ms, p99 {p99:F0} ms, max {latencies[^1]:F0} ms");

            Assert.Equal(100_000, metrics.Family("bench_wide_value").Count);
            Assert.True(polls >= 3, $"only {polls} polls of the 100k-series collector");
            Assert.Equal(0, metrics.Value("saas_exporter_collector_runs_total", ("collector", "bench_wide"), ("result", "failure")));
            Assert.True(p99 < 10_000, $"scrape p99 {p99:F0} ms is past Prometheus' 10 s timeout");
        }
        finally
        {
            File.Delete(file);
        }
    }
}
