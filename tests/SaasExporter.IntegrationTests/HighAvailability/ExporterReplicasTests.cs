using System.Globalization;
using SaasExporter.Demo;
using SaasExporter.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace SaasExporter.IntegrationTests.HighAvailability;

/// <summary>
/// Two exporter replicas over one database, scraped as one job (docs/high-availability.md, Two exporter replicas):
/// each polls on its own schedule with the index source, and the rules' <c>max without (instance)</c> keeps every
/// business series continuous when one replica is killed outright (SIGKILL by its own process handle).
/// </summary>
public sealed class ExporterReplicasTests(ITestOutputHelper output)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task TwoReplicas_OneKilled_LeaveNoGapInTheRecordedBusinessSeries_AndEachCarriesItsOwnPollLoad()
    {
        await using var cluster = await PostgresCluster.StartAsync();
        var connectionString = await cluster.CreateDatabaseAsync("replicas");
        await SeededDatabase.SeedAsync(connectionString, "public", new DemoParameters(0.3, 7, SeededDatabase.AsOf, 120));
        var settings = AlertStack.ComposeSettings(PollInterval).Where(s => s.Value is not null).ToDictionary(s => s.Key, s => s.Value!);
        settings["Database:ConnectionString"] = connectionString;
        settings["EventMetrics:Source"] = "incremental";
        await using var first = await ExporterServerProcess.StartAsync(settings);
        await using var second = await ExporterServerProcess.StartAsync(settings);
        await WaitReadyAsync(first);
        await WaitReadyAsync(second);
        await using var prometheus = await PrometheusServer.StartAsync([first.Client.BaseAddress!, second.Client.BaseAddress!]);
        await prometheus.WaitForDataAsync("saas:arr", TimeSpan.FromSeconds(90));

        // Steady load: two poll rounds after both are ready (the index's first load is behind them).
        await Task.Delay(PollInterval * 2 + TimeSpan.FromSeconds(2));
        var window = $"{(int)(PollInterval * 2).TotalSeconds}s";
        var seconds = await PerReplicaAsync(prometheus, $"sum by (instance) (increase(saas_exporter_collector_duration_seconds_sum{{job=\"saas-exporter\"}}[{window}]))");
        var polls = await PerReplicaAsync(prometheus, $"sum by (instance) (increase(saas_exporter_collector_duration_seconds_count{{job=\"saas-exporter\"}}[{window}]))");
        foreach (var replica in new[] { first, second })
        {
            var instance = replica.Client.BaseAddress!.Authority;
            Assert.True(polls.TryGetValue(instance, out var count) && count > 0, $"replica {instance} polled in the last {window}: {count}");
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"replica {instance}: {count:0} polls, {seconds[instance]:0.000} s of database time in {window} ({seconds[instance] / count * 1000:0.0} ms a poll, {seconds[instance] / (PollInterval * 2).TotalMinutes:0.000} s a minute at {PollInterval.TotalSeconds} s intervals)"));
        }

        var arr = Assert.Single(await prometheus.ValuesAsync("saas:arr"));
        var killed = TimeProvider.System.GetUtcNow();
        await first.KillAsync();
        await prometheus.WaitForDataAsync($"up{{instance=\"{first.Client.BaseAddress!.Authority}\"}}", TimeSpan.FromSeconds(30), v => v == 0);
        await Task.Delay(TimeSpan.FromSeconds(15));

        // The recorded ARR and DAU/MAU, evaluated every second, across the kill: no gap, the same value throughout. The
        // surviving replica's own scrapes are shown beside a gap: a scrape of it that fails leaves nothing to record.
        var survivor = $"saas_exporter_build_info{{instance=\"{second.Client.BaseAddress!.Authority}\"}}";
        foreach (var record in new[] { "saas:arr", "saas:dau_mau:ratio{entity=\"user\"}" })
        {
            var range = TimeProvider.System.GetUtcNow() - killed + TimeSpan.FromSeconds(10);
            var samples = await RawSamplesAsync(prometheus, record, range);
            var gaps = samples.Zip(samples.Skip(1), (a, b) => (From: a.At, Length: b.At - a.At)).ToList();
            var widest = gaps.MaxBy(g => g.Length);
            Assert.True(samples[0].At <= killed.AddSeconds(-8), $"{record}: the samples start before the kill ({samples[0].At:O}, killed {killed:O})");
            Assert.True(widest.Length <= TimeSpan.FromSeconds(3),
                $"{record}: a gap of {widest.Length.TotalSeconds} s from {(widest.From - killed).TotalSeconds:0.0} s after the kill; the survivor's scrapes then: " +
                string.Join(", ", (await RawSamplesAsync(prometheus, survivor, range)).Select(s => $"{(s.At - killed).TotalSeconds:0.0}")) +
                $"; missed rule iterations: {string.Join(", ", await prometheus.ValuesAsync("sum(prometheus_rule_group_iterations_missed_total)"))}");
            Assert.Single(samples.Select(s => s.Value).Distinct());
        }

        Assert.Equal(arr, Assert.Single(await prometheus.ValuesAsync("saas:arr")));
    }

    private static async Task<Dictionary<string, double>> PerReplicaAsync(PrometheusServer prometheus, string promql) =>
        (await prometheus.Api.VectorAsync(promql)).ToDictionary(s => s.Labels["instance"], s => s.Value);

    /// <summary>The stored samples of one series over the last <paramref name="range"/> (a range-vector query).</summary>
    private static async Task<IReadOnlyList<(DateTimeOffset At, double Value)>> RawSamplesAsync(PrometheusServer prometheus, string selector, TimeSpan range)
    {
        var data = await prometheus.QueryAsync($"{selector}[{(int)Math.Ceiling(range.TotalSeconds)}s]");
        var series = Assert.Single(data.GetProperty("result").EnumerateArray().ToList());
        return [.. series.GetProperty("values").EnumerateArray().Select(p => (
            DateTimeOffset.FromUnixTimeMilliseconds((long)(p[0].GetDouble() * 1000)),
            double.Parse(p[1].GetString()!, CultureInfo.InvariantCulture)))];
    }

    private static async Task WaitReadyAsync(ExporterServerProcess replica)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(180))
        {
            using var response = await replica.Client.GetAsync(new Uri("/readyz", UriKind.Relative));
            if (response.IsSuccessStatusCode)
            {
                return;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"replica {replica.Client.BaseAddress} not ready after 180 s: {replica.RecentOutput}");
    }
}
