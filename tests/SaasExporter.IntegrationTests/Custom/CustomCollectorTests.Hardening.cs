using System.Diagnostics;
using System.Globalization;
using Dapper;
using Npgsql;
using Prometheus;
using SaasExporter.Collectors;
using SaasExporter.Database;
using SaasExporter.IntegrationTests.Infrastructure;
using SaasExporter.Publishing;

namespace SaasExporter.IntegrationTests.Custom;

// Issue 23, the attacks on the custom collector path, each against a real PostgreSQL (and the real binary where a process
// must die): hostile text in the exposition, a query returning millions of rows, numeric NaN and Infinity, collector SQL
// switching its timeout off, a lock the poll would wait on, and an advisory lock left held.
public sealed partial class CustomCollectorTests
{
    private static string Pooled(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Pooling = true }.ConnectionString;

    private static async Task<Exposition> ScrapeAsync(ServingExporter server)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        return Exposition.Parse(await client.GetStringAsync(new Uri($"http://127.0.0.1:{server.Port}/metrics")));
    }

    private static long PeakResidentBytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    private sealed class HostileCollector(params MetricFamily[] families) : IMetricCollector
    {
        public string Name => "hostile";

        public IReadOnlyList<MetricFamily> Families { get; } = families;

        public IReadOnlyList<string> Relations { get; } = [];

        public Task<CollectorResult> CollectAsync(DateTimeOffset now, IDbSession db, CancellationToken cancellationToken) =>
            throw new NotSupportedException("samples are published directly");
    }

    [Fact]
    public async Task HostileHelpAndLabelValues_AreEscaped_PromtoolParsesTheExposition()
    {
        // A multi-line help (which file validation may refuse) reaches the writer escaped all the same.
        var family = new MetricFamily("hostile_help", "line one\nforged_series 1\n# TYPE forged_series counter\nend \\ of help", "k");
        var collector = new HostileCollector(family);
        var publisher = new MetricPublisher(Metrics.NewCustomRegistry());
        publisher.Register(collector);
        publisher.Publish(collector, [family.Sample(1, "a \"b\" \\ c\nd é ✓ 🚀"), family.Sample(2, "\\\"\n")]);
        using var stream = new MemoryStream();
        await publisher.ExportAsTextAsync(stream, CancellationToken.None);
        var direct = System.Text.Encoding.UTF8.GetString(stream.ToArray());
        await Promtool.CheckMetricsAsync(direct);
        Assert.DoesNotContain("\nforged_series", direct, StringComparison.Ordinal);

        var db = await HandBuiltDatabase.CreateAsync(postgres, "custom_hostile");
        var file = WriteFile("""
            collectors:
              - name: hostile
                sql: |
                  SELECT * FROM (VALUES (E'quote " here', 1), (E'back\\slash', 2), (E'new\nline', 3),
                                        ('unicode é ✓ 🚀', 4), (E'all \\"\n', 5), (E'# HELP x y\nx 1', 6)) AS t(k, v)
                metrics:
                  - name: hostile_values
                    help: 'Help with a backslash \ and "quotes" and a # sign, C:\new'
                    value: v
                    labels: [k]
            """);
        await using var exporter = await StartAsync(db, file, pooled: true);
        await exporter.WaitReadyAsync();
        var served = await exporter.ScrapeAsync();

        await Promtool.CheckMetricsAsync(served.Text);
        Assert.Contains("# HELP hostile_values Help with a backslash \\\\ and \"quotes\" and a # sign, C:\\\\new\n", served.Text, StringComparison.Ordinal);
        Assert.Contains("hostile_values{k=\"new\\nline\"} 3\n", served.Text, StringComparison.Ordinal);
        Assert.Contains("hostile_values{k=\"all \\\\\\\"\\n\"} 5\n", served.Text, StringComparison.Ordinal);
        Assert.Contains("hostile_values{k=\"unicode é ✓ 🚀\"} 4\n", served.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("\nx 1", served.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueryReturningTenMillionRows_IsStoppedAtTheRowCap_InBoundedTimeAndMemory_OthersServe()
    {
        var db = await HandBuiltDatabase.CreateAsync(postgres, "custom_huge");
        var file = WriteFile("""
            collectors:
              - name: huge
                interval: 1h
                timeout: 5m
                sql: SELECT g::text AS k, g AS v FROM generate_series(1, 10000000) AS g
                metrics:
                  - name: huge_rows
                    help: A query that forgot its GROUP BY.
                    value: v
                    labels: [k]
              - name: small
                sql: SELECT 7 AS v
                metrics: [{name: small_value, help: A sane query., value: v}]
            """);

        var clock = Stopwatch.StartNew();
        await using var server = await ServingExporter.StartAsync([$"--Database:ConnectionString={Pooled(db.ConnectionString)}", $"--CustomCollectorsFile={file}"]);
        Exposition metrics;
        while (true)
        {
            metrics = await ScrapeAsync(server);
            if (metrics.Get("saas_exporter_collector_runs_total", ("collector", "huge"), ("result", "failure")) >= 1
                && metrics.Get("small_value") is not null && metrics.Get("saas_exporter_collector_up", ("collector", "engagement")) is 1)
            {
                break;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(90), $"the huge query was not stopped within 90 s: {server.Output}");
            await Task.Delay(250);
        }

        var elapsed = clock.Elapsed;
        var peak = PeakResidentBytes(server.ProcessId);
        using var client = new HttpClient();
        var page = await client.GetStringAsync(new Uri($"http://127.0.0.1:{server.Port}/"));
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        var running = await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%generate_series(1, 10000000)%' AND pid <> pg_backend_pid() AND state = 'active'");

        Assert.Contains("collector &#39;huge&#39;: the query returned more than 100000 rows (10 x max_series, at least 100000); stopped it", page, StringComparison.Ordinal);
        Assert.Equal(0, metrics.Value("saas_exporter_collector_up", ("collector", "huge")));
        Assert.Equal(100_001, Rejected(metrics, "huge_rows", "row_cap_exceeded"));
        Assert.Empty(metrics.Family("huge_rows"));
        Assert.Equal(7, metrics.Value("small_value"));
        Assert.Equal(1, metrics.Value("saas_exporter_database_up"));
        Assert.Equal(0, running);
        Assert.True(peak < 400L * 1024 * 1024, $"peak resident memory {peak / 1048576} MB");
        Console.WriteLine($"row cap: stopped after {elapsed.TotalSeconds:F1} s from start, peak RSS {peak / 1048576} MB");
    }

    [Fact]
    public async Task NumericNaNInfinityAndBeyondDecimalRange_AreDroppedPerRow_GoodRowsArePublished()
    {
        var db = await HandBuiltDatabase.CreateAsync(postgres, "custom_numeric");
        var file = WriteFile("""
            collectors:
              - name: numerics
                sql: |
                  SELECT * FROM (VALUES ('good', 1.5::numeric), ('nan', 'NaN'::numeric), ('inf', 'Infinity'::numeric),
                                        ('ninf', '-Infinity'::numeric), ('huge', 1e100::numeric), ('vast', 1e400::numeric),
                                        ('good2', 2::numeric)) AS t(k, v)
                metrics:
                  - name: numeric_values
                    help: Numeric values, some of which no decimal holds.
                    value: v
                    labels: [k]
            """);

        await using var exporter = await StartAsync(db, file, pooled: true);
        await exporter.WaitReadyAsync();
        var metrics = await exporter.ScrapeAsync();

        Assert.Equal(1, metrics.Value("saas_exporter_collector_up", ("collector", "numerics")));
        Assert.Equal(1.5, metrics.Value("numeric_values", ("k", "good")));
        Assert.Equal(2, metrics.Value("numeric_values", ("k", "good2")));
        Assert.Equal(5, Rejected(metrics, "numeric_values", "non_finite_value"));
        Assert.Equal(2, metrics.Family("numeric_values").Count);
        Assert.Equal(1, metrics.Value("saas_exporter_collector_degraded", ("collector", "numerics")));
    }

    [Fact]
    public async Task AdvisoryLockTakenByCollectorSql_IsReleasedWhenThePollReturnsItsConnection()
    {
        var db = await HandBuiltDatabase.CreateAsync(postgres, "custom_advisory");
        var file = WriteFile("""
            collectors:
              - name: locker
                interval: 1h
                sql: SELECT 1 AS v FROM (SELECT pg_advisory_lock(42)) AS taken
                metrics: [{name: locker_value, help: Takes a session advisory lock., value: v}]
            """);

        await using var exporter = await StartAsync(db, file, pooled: true);
        await exporter.ScrapeUntilAsync(m => m.Get("locker_value") is 1, TimeSpan.FromSeconds(60));
        await using var connection = new NpgsqlConnection(db.ConnectionString);

        var taken = await connection.ExecuteScalarAsync<bool>("SELECT pg_try_advisory_lock(42)");
        var heldByIdle = await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 42 AND pid <> pg_backend_pid()");

        Assert.True(taken, "advisory lock 42 is still held by the exporter's idle pooled connection");
        Assert.Equal(0, heldByIdle);
    }

    [Fact]
    public async Task CollectorSqlSwitchingItsTimeoutOff_StillHasItsNextQueryEndedByTheServer_AfterTheExporterIsKilled()
    {
        var db = await HandBuiltDatabase.CreateAsync(postgres, "custom_timeout");
        var file = WriteFile("""
            collectors:
              - name: unbounded
                interval: 1h
                timeout: 3s
                windows: [1d, 7d]
                sql: |
                  SELECT 1 AS v, set_config('statement_timeout', '0', false) AS switched_off
                  FROM (SELECT pg_sleep(CASE WHEN @window > interval '1 day' THEN 60 ELSE 0 END)) AS slept
                metrics: [{name: unbounded_value, help: Switches its own timeout off., value: v}]
            """);
        await using var server = await ServingExporter.StartAsync([$"--Database:ConnectionString={Pooled(db.ConnectionString)}", $"--CustomCollectorsFile={file}"]);
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        const string Sleeping = "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%pg_sleep(CASE WHEN%' AND pid <> pg_backend_pid()";

        var clock = Stopwatch.StartNew();
        while (await connection.ExecuteScalarAsync<long>(Sleeping) == 0)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"the 7d query never started: {server.Output}");
            await Task.Delay(50);
        }

        // SIGKILL: no cancel request reaches the server; only a server-side timeout ends the query.
        using (var process = Process.GetProcessById(server.ProcessId))
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        var killed = Stopwatch.StartNew();
        while (await connection.ExecuteScalarAsync<long>(Sleeping) > 0)
        {
            Assert.True(killed.Elapsed < TimeSpan.FromSeconds(15), "the query is still running on the server 15 s after the exporter was killed");
            await Task.Delay(100);
        }

        Console.WriteLine($"timeout: the query ended {killed.Elapsed.TotalSeconds:F1} s after the kill");
    }

    [Fact]
    public async Task TableLockedByAMigration_PollGivesUpAfterTheLockTimeout_NotTheStatementTimeout()
    {
        var db = await HandBuiltDatabase.CreateAsync(postgres, "custom_locked");
        var file = WriteFile("""
            collectors:
              - name: blocked
                interval: 1h
                timeout: 2m
                sql: SELECT count(*) AS v FROM deals
                metrics: [{name: blocked_deals, help: Reads a table a migration holds., value: v}]
            """);
        await using var migration = new NpgsqlConnection(db.ConnectionString);
        await migration.OpenAsync();
        await using var transaction = await migration.BeginTransactionAsync();
        await migration.ExecuteAsync("LOCK TABLE deals IN ACCESS EXCLUSIVE MODE", transaction: transaction);

        var clock = Stopwatch.StartNew();
        await using var exporter = await StartAsync(db, file, pooled: true);
        var metrics = await exporter.ScrapeUntilAsync(
            m => m.Get("saas_exporter_collector_runs_total", ("collector", "blocked"), ("result", "failure")) >= 1, TimeSpan.FromSeconds(60));
        var elapsed = clock.Elapsed;
        var page = await exporter.Client.GetStringAsync(new Uri("/", UriKind.Relative));
        await transaction.RollbackAsync();

        Assert.Contains("55P03: lock_not_available", page, StringComparison.Ordinal);
        Assert.Equal(1, metrics.Value("saas_exporter_database_up"));
        Assert.True(elapsed < TimeSpan.FromSeconds(30), $"the poll waited {elapsed.TotalSeconds:F1} s for the lock");
    }
}
