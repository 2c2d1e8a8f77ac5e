using System.Diagnostics;
using Dapper;
using Npgsql;
using SaasExporter.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace SaasExporter.IntegrationTests.Reliability;

/// <summary>
/// Queries that fail on a healthy server: one slower than its timeout (cancelled by PostgreSQL itself, proven from
/// pg_stat_activity) and one that errors every time. Only that collector goes down; the database stays up.
/// </summary>
public sealed class QueryFaultTests(ITestOutputHelper output)
{
    private const string SlowAndBroken = """
        collectors:
          - name: slow
            interval: 2s
            timeout: 1s
            sql: SELECT 1 AS v FROM pg_sleep(30)
            metrics:
              - name: slow_value
                help: Never published; the query sleeps far past its timeout.
                value: v
          - name: broken
            interval: 1s
            timeout: 1s
            sql: SELECT 1 / (count(*) - count(*)) AS v FROM pg_class
            metrics:
              - name: broken_value
                help: Never published; the query divides by zero every time.
                value: v
        """;

    [Fact]
    public async Task SlowQueryAndFailingStatement_OnlyTheirCollectorsGoDownAndNoQueryOutlivesItsTimeout()
    {
        await using var rig = await FaultRig.StartAsync("query_faults", SlowAndBroken);
        await using var watch = new ScrapeWatch(rig.Exporter, baseline: null);

        // pg_stat_activity sampled from another connection: the age of every slow query the exporter has running.
        await using var observer = new NpgsqlConnection(rig.Database.ConnectionString);
        await observer.OpenAsync();
        var oldest = 0.0;
        var starts = new HashSet<DateTime>();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(12))
        {
            var running = await observer.QueryAsync<(DateTime Start, double Age)>("""
                SELECT query_start, extract(epoch FROM clock_timestamp() - query_start)::float8
                FROM pg_stat_activity
                WHERE application_name = 'saas-exporter' AND state = 'active' AND strpos(query, 'pg_sleep(30)') > 0
                """);
            foreach (var (start, age) in running)
            {
                starts.Add(start);
                oldest = Math.Max(oldest, age);
            }

            await Task.Delay(25);
        }

        await watch.WaitForAsync(m => m.Get("saas_exporter_collector_up", ("collector", "slow")) == 0
            && m.Get("saas_exporter_collector_up", ("collector", "broken")) == 0, TimeSpan.FromSeconds(30), "slow and broken down");
        var m = await rig.Exporter.ScrapeAsync();
        var landing = await rig.Exporter.Client.GetStringAsync(new Uri("/", UriKind.Relative));

        Assert.True(starts.Count >= 3, $"only {starts.Count} slow queries seen running: the scenario did not happen");
        Assert.True(oldest < 1.0 + 1.0, $"a slow query ran {oldest:0.000} s, past its 1 s timeout (+1 s tolerance)");
        Assert.Equal(1, m.Value("saas_exporter_database_up"));
        foreach (var collector in FaultRig.FastCollectors)
        {
            Assert.Equal(1, m.Value("saas_exporter_collector_up", ("collector", collector)));
        }

        Assert.Empty(m.Family("slow_value"));
        Assert.Empty(m.Family("broken_value"));
        Assert.True(m.Value("saas_exporter_collector_runs_total", ("collector", "slow"), ("result", "failure")) >= 3);
        Assert.True(m.Value("saas_exporter_collector_runs_total", ("collector", "broken"), ("result", "failure")) >= 3);
        // The landing page names the SQLSTATE, never the server's message (it can quote row values).
        Assert.Contains("57014: query_canceled", landing, StringComparison.Ordinal);
        Assert.Contains("22012: division_by_zero", landing, StringComparison.Ordinal);
        Assert.Empty(watch.Errors);

        var baseline = SmallProductDataset.BusinessSeries(m);
        Assert.Equal(2, baseline[Exposition.Key("saas_active_users", ("entity", "user"), ("window", "7d"))]);
        Assert.Empty(watch.WrongAgainst(baseline));
        FaultTable.Row(output, "query slower than its timeout (pg_sleep(30), timeout 1 s, every 2 s)",
            $"{starts.Count} runs, each cancelled by statement_timeout: oldest seen in pg_stat_activity {oldest:0.000} s; only its collector down, database_up 1",
            TimeSpan.FromSeconds(oldest), null, "none", watch.WrongAgainst(baseline).Count);
        FaultTable.Row(output, "statement that errors every time (division by zero)",
            "fails at its first poll and every poll after: only its collector down, database_up 1, other collectors up", null, null, "none", 0);
    }
}
