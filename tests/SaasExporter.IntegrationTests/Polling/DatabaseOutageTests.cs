using System.Diagnostics;
using Dapper;
using Npgsql;
using SaasExporter.IntegrationTests.Infrastructure;
using SaasExporter.IntegrationTests.Reliability;
using Xunit.Abstractions;

namespace SaasExporter.IntegrationTests.Polling;

/// <summary>
/// The exporter against a PostgreSQL server that this test stops and starts (its own cluster, so no other test is
/// disturbed), reached through a counting proxy: /metrics keeps answering with the last values, the collectors go
/// down, connection attempts stay bounded while the server is down, and everything recovers without a restart.
/// </summary>
public sealed class DatabaseOutageTests(ITestOutputHelper output)
{
    /// <summary>
    /// Connection attempts tolerated in the first minute of an outage: the burst of polls already under way when it
    /// began (measured: 12 within a second), then one probe per 15 s break of the circuit (measured: 2 attempts each).
    /// </summary>
    private const int MaxAttemptsPerMinute = 30;

    /// <summary>A poll that is surely in flight when the server stops: the test waits until PostgreSQL runs it.</summary>
    private const string InFlightCollector = """
        collectors:
          - name: inflight
            interval: 2s
            timeout: 2s
            sql: SELECT 1 AS v FROM pg_sleep(1.2)
            metrics:
              - name: inflight_value
                help: Always 1, after a sleep that keeps a poll in flight.
                value: v
        """;

    [Fact]
    public async Task DatabaseStoppedMidPoll_KeepsLastValuesMarksCollectorsDownBoundsAttemptsAndRecoversByItself()
    {
        await using var rig = await FaultRig.StartAsync("outage", InFlightCollector);
        var baseline = await rig.BaselineAsync();
        var lastSuccess = (await rig.Exporter.ScrapeAsync()).Value("saas_exporter_collector_last_success_timestamp_seconds", ("collector", "inflight"));
        await using var watch = new ScrapeWatch(rig.Exporter, baseline);

        await WaitForRunningQueryAsync(rig.Database.ConnectionString, "pg_sleep(1.2)");
        await rig.Cluster.StopServerAsync();
        var detect = await watch.WaitForAsync(FaultRig.FastDown, TimeSpan.FromSeconds(30), "fast collectors and database down");

        var from = rig.Proxy.Elapsed;
        await Task.Delay(TimeSpan.FromMinutes(1));
        var attempts = rig.Proxy.AttemptsBetween(from, rig.Proxy.Elapsed);
        var attemptTimes = rig.Proxy.AttemptTimes(from, rig.Proxy.Elapsed);
        var down = await rig.Exporter.ScrapeAsync();
        Assert.Equal(0, down.Value("saas_exporter_database_up"));
        Assert.True(down.Value("saas_exporter_collector_runs_total", ("collector", "engagement"), ("result", "failure")) >= 1);
        Assert.True(down.Value("saas_exporter_collector_last_success_timestamp_seconds", ("collector", "inflight")) >= lastSuccess);

        var restarted = Stopwatch.StartNew();
        await rig.Cluster.StartServerAsync();
        var recover = await watch.WaitForAsync(FaultRig.AllUp, TimeSpan.FromSeconds(90), "every collector up again") + restarted.Elapsed;

        Assert.Empty(watch.Errors);
        Assert.Empty(watch.WrongSeries);
        Assert.True(attempts <= MaxAttemptsPerMinute, $"{attempts} connection attempts in the first minute down, at s {attemptTimes}");
        FaultTable.Row(output, "server stopped mid-poll (pg_ctl stop -m fast), restarted",
            $"{watch.Scrapes} scrapes, 0 failed; collectors and database_up 0; last values served; {attempts} connection attempts in the first minute down (at s {attemptTimes})",
            detect, recover, "none", watch.WrongSeries.Count);
    }

    [Fact]
    public async Task DatabaseUnreachableAtStart_ServesSelfMetricsBoundsAttemptsAndBecomesReadyWhenItComesUp()
    {
        await using var rig = await FaultRig.StartAsync("outage_start", startCut: true);
        await using var watch = new ScrapeWatch(rig.Exporter, baseline: null);
        var detect = await watch.WaitForAsync(FaultRig.FastDown, TimeSpan.FromSeconds(30), "fast collectors and database down");
        using (var readiness = await rig.Exporter.Client.GetAsync(new Uri("/readyz", UriKind.Relative)))
        {
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, readiness.StatusCode);
        }

        var down = await rig.Exporter.ScrapeAsync();
        Assert.Equal(1, down.Value("saas_exporter_collector_enabled", ("collector", "engagement")));
        Assert.Equal(0, down.Value("saas_exporter_collector_up", ("collector", "engagement")));
        Assert.Empty(SmallProductDataset.BusinessSeries(down));

        // The first minute includes every collector's first poll: the burst the breaker must absorb.
        await Task.Delay(TimeSpan.FromSeconds(20));
        var window = rig.Proxy.Elapsed;
        var attempts = rig.Proxy.AttemptsBetween(TimeSpan.Zero, window);
        var attemptTimes = rig.Proxy.AttemptTimes(TimeSpan.Zero, window);

        var restored = Stopwatch.StartNew();
        rig.Proxy.Restore();
        await rig.Exporter.WaitReadyAsync(TimeSpan.FromSeconds(90));
        var recover = restored.Elapsed;
        var baseline = await rig.BaselineAsync();

        Assert.Empty(watch.Errors);
        Assert.Empty(watch.WrongAgainst(baseline));
        Assert.True(attempts <= MaxAttemptsPerMinute,
            $"{attempts} connection attempts in the first {window} while unreachable, at s {attemptTimes}");
        FaultTable.Row(output, "database unreachable at start (proxy refuses), then reachable",
            $"{watch.Scrapes} scrapes, 0 failed; self-metrics only, /readyz 503; {attempts} connection attempts in the first {window.TotalSeconds:0} s (at s {attemptTimes}); ready without restart",
            detect, recover, "none", watch.WrongAgainst(baseline).Count);
    }

    /// <summary>Waits until PostgreSQL runs a statement of the exporter containing the text.</summary>
    internal static async Task WaitForRunningQueryAsync(string connectionString, string text)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            var running = await connection.ExecuteScalarAsync<long>(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'saas-exporter' AND state = 'active' AND strpos(query, @text) > 0",
                new { text });
            if (running > 0)
            {
                return;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"no exporter query containing '{text}' ran within 30 s");
    }
}
